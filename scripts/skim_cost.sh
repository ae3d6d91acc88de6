#!/usr/bin/env bash
# The CPU cost of the poller's per-body work: instructions (callgrind, deterministic, not
# disturbed by other processes) per `HostClassifier.classify(..., depth: .summary)` of a
# `/v1/metadata` body, for the three reference bodies of issue 10 (scripts/sample_body.py 5 7,
# 24 26, 60 62). Builds an optimized driver (scripts/skim_cost/main.swift) from Common and
# FleetTUI's Fleet sources with swiftc, outside SwiftPM.
#
#   scripts/skim_cost.sh                 the three bodies, ITERATIONS=20 classifications each
#   scripts/skim_cost.sh FILE...         other bodies (e.g. `cephadm-exporter simulate --dump-body mixed`)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ITERATIONS=${ITERATIONS:-20}
SWIFTC=${SWIFTC:-swiftc}
OUT=$ROOT/.build/skim-cost
command -v valgrind >/dev/null || scripts/ensure-packages.sh valgrind
command -v python3 >/dev/null || scripts/ensure-packages.sh python3

mkdir -p "$OUT/modules/CShims" "$OUT/bodies"
rm -f "$OUT/libCommon.a"  # an archive keeps members a build no longer makes
cat > "$OUT/modules/CShims/module.modulemap" <<MAP
module CShims {
    header "$ROOT/Sources/CShims/include/CShims.h"
    export *
}
MAP
includes=(-I "$OUT/modules" -I "$ROOT/Sources/COpenSSL" -I "$OUT/modules/CShims")
mapfile -t common < <(find "$ROOT/Sources/Common" -name '*.swift' | sort)
echo "skim-cost: compiling Common (${#common[@]} files) with -O ..." >&2
"$SWIFTC" -O -wmo -swift-version 6 -parse-as-library "${includes[@]}" -module-name Common -emit-library -static \
    -emit-module -emit-module-path "$OUT/modules/Common.swiftmodule" -o "$OUT/libCommon.a" "${common[@]}"
# The classifier and the few model files it needs (not the whole executable: no terminal, no poller).
fleet=()
for f in HostClassifier HostDetail HostSample HostStatus PlausibleTime PollResult Thresholds DurationText CertificateExpiry; do
    fleet+=("$ROOT/Sources/FleetTUI/Fleet/$f.swift")
done
echo "skim-cost: linking the driver ..." >&2
# (From $OUT: a whole-module build leaves the module's files in the working directory.)
(cd "$OUT" && "$SWIFTC" -O -wmo -swift-version 6 "${includes[@]}" -module-name SkimCost -o "$OUT/skim-cost" \
    "${fleet[@]}" "$ROOT"/scripts/skim_cost/main.swift "$OUT/libCommon.a" -lssl -lcrypto -lm)

bodies=("$@")
if [[ ${#bodies[@]} -eq 0 ]]; then
    for shape in "5 7" "24 26" "60 62"; do
        f=$OUT/bodies/body-${shape// /-}.json
        python3 scripts/sample_body.py $shape > "$f"
        bodies+=("$f")
    done
fi

# Instructions of the classification loop only (callgrind's --toggle-collect on the driver's
# loop function), over ITERATIONS classifications of one body.
count() {
    local log=$OUT/callgrind.out
    valgrind --tool=callgrind --callgrind-out-file="$log" --toggle-collect='*classifyLoop*' \
        "$OUT/skim-cost" "$ITERATIONS" "$1" >"$OUT/driver.out" 2>"$OUT/valgrind.err"
    grep -m1 '^verdict:' "$OUT/driver.out" >&2
    sed -n 's/^summary: *//p' "$log"
}
printf '%-40s %10s %16s %12s\n' body bytes instructions/body instr/byte
for f in "${bodies[@]}"; do
    bytes=$(stat -c %s "$f")
    total=$(count "$f")
    printf '%-40s %10d %16d %12.1f\n' "$(basename "$f")" "$bytes" $((total / ITERATIONS)) \
        "$(echo "$total / $ITERATIONS / $bytes" | bc -l)"
done
