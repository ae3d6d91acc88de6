#!/usr/bin/env bash
# make bench: the exporter and the fleet poller measured against references in the same run.
#   BENCH_SECS=10 (wrk duration)   BENCH_FLEET="1000 5000" (fleet check sizes)
set -euo pipefail
BIN=${1:?usage: bench.sh BIN_DIR}
SECS=${BENCH_SECS:-10}
FLEET_SIZES=${BENCH_FLEET:-"1000 5000"}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/cephadm-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  tmux -L bench-$$ kill-server 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

wait_for() { for _ in $(seq 1 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; cat "$1"; return 1; }
json() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
wrk_rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
wrk_pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
ratio() { python3 -c "print(f'{float(\"$1\") / float(\"$2\"):.2f}')"; }

echo "== setup (binaries: $BIN, $(nproc) cores)"
"$BIN/fleet" config generate --state-dir "$work/state" >/dev/null
"$BIN/fleet" config get --state-dir "$work/state" --output "$work/config.json" >/dev/null
TOKEN=$(json "$work/config.json" token)
json "$work/config.json" crt >"$work/crt.pem"
json "$work/config.json" key >"$work/key.pem"
fsid=bench
"$BIN/cephadm-exporter" deploy --fsid $fsid --id bench --config-json "$work/config.json" --port 19501 \
  --data-dir "$work/data" --unit-dir "$work/units" --log-dir "$work/log" --no-start >/dev/null
"$BIN/cephadm-exporter" run --fsid $fsid --id bench --port 19501 --data-dir "$work/data" --log-dir "$work/log" \
  --no-tls-resumption 2>"$work/exporter.log" &
EXP=$!; pids+=($EXP)
wait_for "$work/exporter.log" "https server listening"
sleep 2
curl -sk -H "Authorization: Bearer $TOKEN" https://127.0.0.1:19501/v1/metadata -o "$work/metadata.json"
echo "   /v1/metadata body: $(stat -c %s "$work/metadata.json") bytes"

mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
user root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  ssl_session_cache off; ssl_session_tickets off;
  server {
    listen 127.0.0.1:19502 ssl;
    ssl_certificate $work/crt.pem;
    ssl_certificate_key $work/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /v1/metadata { default_type application/json; alias $work/metadata.json; }
  }
}
NGINX
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
NGX=$!; pids+=($NGX)
sleep 1

echo "== keep-alive throughput: wrk -t2 -c64 -d${SECS}s (one event loop thread vs one nginx worker)"
wrk -t2 -c64 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" https://127.0.0.1:19501/v1/metadata >"$work/wrk-exp.txt"
wrk -t2 -c64 -d"${SECS}s" --latency https://127.0.0.1:19502/v1/metadata >"$work/wrk-ngx.txt"
E=$(wrk_rps "$work/wrk-exp.txt"); N=$(wrk_rps "$work/wrk-ngx.txt")
printf "   exporter %10s req/s  p50 %s  p99 %s\n" "$E" "$(wrk_pct "$work/wrk-exp.txt" 50%)" "$(wrk_pct "$work/wrk-exp.txt" 99%)"
printf "   nginx    %10s req/s  p50 %s  p99 %s\n" "$N" "$(wrk_pct "$work/wrk-ngx.txt" 50%)" "$(wrk_pct "$work/wrk-ngx.txt" 99%)"
echo "   ratio exporter/nginx: $(ratio "$E" "$N")x (target >= 0.8)"

echo "== fresh TLS handshake + request, sequential, 300 connections (python client, no resumption)"
read -r hp50 hp99 < <(python3 "$here/handshake_latency.py" 19501 /v1/metadata "$TOKEN" "$work/crt.pem" 300)
read -r np50 np99 < <(python3 "$here/handshake_latency.py" 19502 /v1/metadata "$TOKEN" "$work/crt.pem" 300)
echo "   exporter p50 ${hp50}ms p99 ${hp99}ms;  nginx p50 ${np50}ms p99 ${np99}ms;  p99 ratio $(ratio "$hp99" "$np99")x"

echo "== exporter resources"
echo "   RSS after the load: $(rss_mib $EXP) MiB (target < 20)"
t0=$(cpu_ticks $EXP); sleep 10; t1=$(cpu_ticks $EXP)
echo "   idle CPU over 10 s (tasks scraping, no requests; 10 ms clock ticks): $(python3 -c "print(f'{($t1 - $t0) / $(getconf CLK_TCK) / 10 * 100:.2f}')")% of a core (target < 1%)"

echo "== fleet poller against one host: 64 kept-alive connections vs wrk -c64"
for i in $(seq 2 65); do echo "127.0.0.$i:19501"; done >"$work/one-host.txt"
"$BIN/fleet" check --hosts "$work/one-host.txt" --config "$work/config.json" --sweeps 400 --quiet 2>"$work/sweeps.txt" >/dev/null || true
P=$(grep -o '[0-9]* polls/s' "$work/sweeps.txt" | awk '{print $1}')
echo "   poller $P req/s vs wrk $E req/s: $(ratio "$P" "$E")x  ($(cat "$work/sweeps.txt"))"

kill $NGX 2>/dev/null || true
max=0; for n in $FLEET_SIZES; do [ "$n" -gt "$max" ] && max=$n; done
echo "== simulated fleet of $max exporters"
SIM=""
for base in 21000 15000 9000; do  # below the ephemeral port range; the next one if a port is taken
  "$BIN/cephadm-exporter" simulate --count "$max" --base-port $base --config "$work/config.json" --behaviour healthy \
    --hosts-out "$work/all-hosts.txt" 2>"$work/simulate.log" &
  SIM=$!
  for _ in $(seq 1 200); do
    grep -q simulating "$work/simulate.log" 2>/dev/null && break
    kill -0 $SIM 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 $SIM 2>/dev/null; then pids+=($SIM); break; fi
  echo "   ($(cat "$work/simulate.log"); trying another range)"
  SIM=""
done
[ -n "$SIM" ] || { echo "   no free port range for the simulated fleet"; exit 1; }
for n in $FLEET_SIZES; do
  head -n $((n + 1)) "$work/all-hosts.txt" >"$work/hosts-$n.txt"
  s=$(date +%s.%N)
  "$BIN/fleet" check --hosts "$work/hosts-$n.txt" --config "$work/config.json" --timeout 10 --quiet >"$work/check-$n.txt" || true
  e=$(date +%s.%N)
  echo "   fleet check, $n hosts, fresh TLS handshakes: $(python3 -c "print(f'{$e - $s:.2f}')") s  ($(cut -c1-60 "$work/check-$n.txt"))"
done

echo "== dashboard polling 1000 hosts every 5 s (tmux, 30 s warm-up, 20 s measured)"
head -n 1001 "$work/all-hosts.txt" >"$work/hosts-dash.txt"
tmux -L bench-$$ -u new-session -d -x 160 -y 50 "LANG=C.UTF-8 $BIN/fleet --hosts $work/hosts-dash.txt --config $work/config.json --interval 5"
sleep 30
DASH=$(pgrep -f "^$BIN/fleet --hosts $work/hosts-dash.txt" | head -1)
t0=$(cpu_ticks "$DASH"); sleep 20; t1=$(cpu_ticks "$DASH")
echo "   CPU $(python3 -c "print(f'{($t1 - $t0) / $(getconf CLK_TCK) / 20 * 100:.2f}')")% of a core (target < 10%), RSS $(rss_mib "$DASH") MiB (target < 64)"
echo "   screen: $(tmux -L bench-$$ capture-pane -p | sed -n 2p)"

echo "== dashboard with all $max hosts: key-to-screen latency (tmux send-keys -> capture-pane)"
tmux -L bench-$$ kill-server 2>/dev/null || true
sleep 1  # a new server on the socket of one still exiting fails to start
tmux -L bench-$$ -u new-session -d -x 160 -y 50 "LANG=C.UTF-8 $BIN/fleet --hosts $work/all-hosts.txt --config $work/config.json --interval 5"
sleep 15
samples=()
for key in s s s s s S s s s s; do
  before=$(tmux -L bench-$$ capture-pane -p | tail -1)
  t0=$(date +%s%N)
  tmux -L bench-$$ send-keys "$key"
  for _ in $(seq 1 400); do
    [ "$(tmux -L bench-$$ capture-pane -p | tail -1)" != "$before" ] && break
    sleep 0.002
  done
  samples+=($(( ($(date +%s%N) - t0) / 1000000 )))
done
DASH=$(pgrep -f "^$BIN/fleet --hosts $work/all-hosts.txt" | head -1)
sorted=$(printf "%s\n" "${samples[@]}" | sort -n | tr '\n' ' ')
echo "   key to screen (ms, 10 sort keys, includes tmux round trips): $sorted (target < 50)"
echo "   RSS with $max kept-alive connections: $(rss_mib "$DASH") MiB"
