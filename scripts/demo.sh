#!/usr/bin/env bash
# make demo: one real exporter for this host plus a simulated fleet, and the dashboard on them.
# Everything lives in a temporary directory that is removed when the dashboard exits.
#   DEMO_HOSTS=200  simulated exporters       DEMO_PORT=19443  this host's exporter
#   DEMO_BASE_PORT=20000  first simulated port DEMO_SEED=1     mix of behaviours and data
#   DEMO_PROFILE=mixed    host shapes (simulate --profile: small, osd24, jbod60, mixed)
#   DEMO_MODE=shared      or per-host: a fleet CA and a token per host, each simulated host on its
#                         own loopback address (127.0.1.1 ...) on DEMO_BASE_PORT; DEMO_MTLS=1 adds mTLS
set -euo pipefail
BIN=${1:?usage: demo.sh BIN_DIR}
HOSTS=${DEMO_HOSTS:-200}
PORT=${DEMO_PORT:-19443}
BASE=${DEMO_BASE_PORT:-20000}
SEED=${DEMO_SEED:-1}
PROFILE=${DEMO_PROFILE:-mixed}
MODE=${DEMO_MODE:-shared}
case "$MODE" in shared|per-host) ;; *) echo "demo: DEMO_MODE must be shared or per-host"; exit 2;; esac
work=$(mktemp -d /tmp/cephadm-fleet-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() {  # wait_for FILE TEXT PID
  for _ in $(seq 1 100); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "demo: process exited:"; cat "$1"; return 1; }
    sleep 0.1
  done
  echo "demo: timed out waiting for '$2' in $1"; cat "$1"; return 1
}

state=$work/state
id=$(hostname -s 2>/dev/null || echo localhost)
fsid=$(cat /proc/sys/kernel/random/uuid)
if [ "$MODE" = per-host ]; then
  echo "== fleet config generate --per-host (state dir $state)"
  "$BIN/fleet" config generate --per-host ${DEMO_MTLS:+--mtls} --state-dir "$state"
  "$BIN/fleet" config issue --host "$id" --addr 127.0.0.1 --fsid "$fsid" --output "$work/config.json" --state-dir "$state"
else
  echo "== fleet config generate (state dir $state)"
  "$BIN/fleet" config generate --state-dir "$state"
  "$BIN/fleet" config get --state-dir "$state" --output "$work/config.json" >/dev/null
fi

echo "== cephadm-exporter deploy (this host, port $PORT, no systemd: started by hand below)"
"$BIN/cephadm-exporter" deploy --fsid "$fsid" --id "$id" --config-json "$work/config.json" --port "$PORT" \
  --data-dir "$work/data" --unit-dir "$work/units" --log-dir "$work/log" --no-start >/dev/null
"$work/data/$fsid/cephadm-exporter.$id/unit.run" 2>"$work/exporter.log" &
pids+=($!)
wait_for "$work/exporter.log" "https server listening" "${pids[-1]}"

sim=(--count "$HOSTS" --base-port "$BASE" --profile "$PROFILE" --seed "$SEED" --fsid "$fsid")
if [ "$MODE" = per-host ]; then
  echo "== cephadm-exporter simulate ($HOSTS exporters on 127.0.1.1... port $BASE, profile $PROFILE, seed $SEED, per-host credentials)"
  "$BIN/cephadm-exporter" simulate "${sim[@]}" --first-address 127.0.1.1 --dump-hosts >"$work/sim-inventory.json"
  "$BIN/fleet" config issue --hosts "$work/sim-inventory.json" --output-dir "$work/sim-credentials" --state-dir "$state"
  sim+=(--first-address 127.0.1.1 --credentials-dir "$work/sim-credentials")
else
  echo "== cephadm-exporter simulate ($HOSTS exporters from port $BASE, profile $PROFILE, seed $SEED)"
  sim+=(--config "$work/config.json")
fi
"$BIN/cephadm-exporter" simulate "${sim[@]}" --hosts-out "$work/sim-hosts.txt" 2>"$work/simulate.log" &
pids+=($!)
wait_for "$work/simulate.log" "started in" "${pids[-1]}"
cat "$work/simulate.log"

{ echo "# this host's real exporter"; echo "127.0.0.1:$PORT"; cat "$work/sim-hosts.txt"; } >"$work/hosts.txt"
echo "== host list: $work/hosts.txt ($((HOSTS + 1)) hosts)"
if [ "$MODE" = per-host ]; then
  echo "   try: fleet config get --state-dir $state   (the CA and the issued hosts; the secrets stay in the store)"
else
  echo "   try: curl -sk -H \"Authorization: Bearer \$(jq -r .token $work/config.json)\" https://127.0.0.1:$PORT/v1/metadata/health"
fi

if [ -t 0 ] && [ -t 1 ]; then
  echo "== fleet dashboard (q quits and cleans up)"
  sleep 1
  "$BIN/fleet" dashboard --hosts "$work/hosts.txt" --state-dir "$state" --title "demo $fsid" || true
else
  echo "== no terminal: running the one-shot check instead of the dashboard"
  "$BIN/fleet" check --hosts "$work/hosts.txt" --state-dir "$state" | head -25 || true
fi
