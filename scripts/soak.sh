#!/usr/bin/env bash
# make soak: runs scripts/soak.py on the release binaries in BIN_DIR (SOAK_SECS, default 600;
# SOAK_MAX_P99_MS, default 50; SOAK_KEEP=1 keeps the work directory).
set -euo pipefail
BIN=${1:?usage: soak.sh BIN_DIR}
exec python3 "$(dirname "$0")/soak.py" "$BIN"
