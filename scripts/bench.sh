#!/usr/bin/env bash
# make bench: the exporter, the fleet poller and the dashboard measured against references or
# goals in the same run. Sections and sizes (environment):
#   BENCH_SECTIONS="exporter bodies fleet"  which sections run (any subset, in this order)
#   BENCH_SECS=10              wrk duration (exporter and bodies sections)
#   BENCH_BODIES="11k 34k 79k"   bodies nginx serves (bodies): 11k, 34k, 79k are built from the real
#                              samples as issue 10 sized them (scripts/sample_body.py); small, osd24,
#                              jbod60, mixed are `simulate --dump-body` of that profile
#   BENCH_SWEEPS=200           fleet check --sweeps against nginx (bodies)
#   BENCH_FLEET="1000 5000 10000"       simulated fleet sizes: fleet check sweep and dashboard (fleet)
#   BENCH_PROFILE=mixed        simulate profile of the fleet (fleet)
#   BENCH_DASH_WARMUP=20 BENCH_DASH_SECS=20   dashboard warm-up and measured seconds (fleet)
#   BENCH_BASE_PORT=21000      first port of the simulated fleet (fleet)
#   BENCH_PROM_FLEET="1000 5000 10000"  simulated fleet sizes scraped by a real Prometheus (prometheus)
#   BENCH_PROM_INTERVAL=15     Prometheus' scrape interval in seconds (prometheus)
set -euo pipefail
BIN=${1:?usage: bench.sh BIN_DIR}
SECTIONS=${BENCH_SECTIONS:-"exporter bodies fleet prometheus"}
SECS=${BENCH_SECS:-10}
BODIES=${BENCH_BODIES:-"11k 34k 79k"}
SWEEPS=${BENCH_SWEEPS:-200}
FLEET_SIZES=${BENCH_FLEET:-"1000 5000 10000"}
PROFILE=${BENCH_PROFILE:-mixed}
DASH_WARMUP=${BENCH_DASH_WARMUP:-20}
DASH_SECS=${BENCH_DASH_SECS:-20}
PROM_SIZES=${BENCH_PROM_FLEET:-"1000 5000 10000"}
PROM_INTERVAL=${BENCH_PROM_INTERVAL:-15}
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

section() { [[ " $SECTIONS " == *" $1 "* ]]; }
wait_for() { for _ in $(seq 1 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; cat "$1"; return 1; }
json() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
rss_mib() { local k=0; for p in "$@"; do k=$((k + $(awk '/VmRSS/ {print $2}' "/proc/$p/status"))); done; python3 -c "print(f'{$k / 1024:.1f}')"; }
percent() { python3 -c "print(f'{($2 - $1) / $(getconf CLK_TCK) / $3 * 100:.1f}')"; }  # ticks0 ticks1 seconds
wrk_rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
wrk_pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
ratio() { python3 -c "print(f'{float(\"$1\") / float(\"$2\"):.2f}')"; }
polls() { grep -o '[0-9]* polls/s' "$1" | awk '{print $1}'; }
# client_cpu CMD...: runs CMD and prints its standard output, then "CPU <seconds>": its user +
# system time (the subshell's `times`: its own line, then its children's).
client_cpu() {
  local out; out=$( ( "$@" || true; times ) )
  printf "%s\n" "$out" | head -n -2
  printf "%s\n" "$out" | tail -1 | awk '{ c = 0; for (j = 1; j <= 2; j++) { split($j, ms, "m"); sub("s", "", ms[2]); c += ms[1] * 60 + ms[2] }; print "CPU " c }'
}
start_nginx() {  # start_nginx NAME SERVER-BLOCKS
  mkdir -p "$work/$1"
  cat >"$work/$1/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
user root;
pid $work/$1/nginx.pid;
error_log $work/$1/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/$1; proxy_temp_path $work/$1; fastcgi_temp_path $work/$1;
  uwsgi_temp_path $work/$1; scgi_temp_path $work/$1;
  ssl_session_cache off; ssl_session_tickets off;
  ssl_certificate $work/crt.pem;
  ssl_certificate_key $work/key.pem;
  ssl_protocols TLSv1.2 TLSv1.3;
  # The exporter's TLS 1.3 preference (AES-128-GCM first, its own order): both servers, and so
  # both clients of each comparison, use the same cipher.
  ssl_prefer_server_ciphers on;
  ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
$2
}
NGINX
  nginx -c "$work/$1/nginx.conf" -p "$work/$1" &
  NGX=$!; pids+=($NGX)
  sleep 1
}

echo "== setup (binaries: $BIN, $(nproc) cores, open-files limit $(ulimit -n); sections: $SECTIONS)"
"$BIN/fleet" config generate --state-dir "$work/state" >/dev/null
"$BIN/fleet" config get --state-dir "$work/state" --output "$work/config.json" >/dev/null
TOKEN=$(json "$work/config.json" token)
json "$work/config.json" crt >"$work/crt.pem"
json "$work/config.json" key >"$work/key.pem"
aliases() { for i in $(seq 2 65); do echo "127.0.0.$i:$1"; done; }  # 64 loopback addresses, one port
sim() {  # sim LOG COUNT FIRST BASE HOSTS-OUT [BIND]: starts a simulator, sets SIMPID
  "$BIN/cephadm-exporter" simulate --count "$2" --first-host "$3" --base-port "$4" --config "$work/config.json" \
    --profile "$PROFILE" --behaviour healthy --hosts-out "$5" --bind "${6:-127.0.0.1}" 2>"$1" &
  SIMPID=$!; pids+=($SIMPID)
  for _ in $(seq 1 1200); do
    grep -q "started in" "$1" 2>/dev/null && return 0
    kill -0 $SIMPID 2>/dev/null || { cat "$1"; return 1; }
    sleep 0.05
  done
  cat "$1"; return 1
}

if section exporter; then
  fsid=bench
  "$BIN/cephadm-exporter" deploy --fsid $fsid --id bench --config-json "$work/config.json" --port 19501 \
    --data-dir "$work/data" --unit-dir "$work/units" --log-dir "$work/log" --no-start >/dev/null
  "$BIN/cephadm-exporter" run --fsid $fsid --id bench --port 19501 --data-dir "$work/data" --log-dir "$work/log" \
    --no-tls-resumption 2>"$work/exporter.log" &
  EXP=$!; pids+=($EXP)
  wait_for "$work/exporter.log" "https server listening"
  sleep 2
  curl -sk -H "Authorization: Bearer $TOKEN" https://127.0.0.1:19501/v1/metadata -o "$work/metadata.json"
  echo "   this host's /v1/metadata body: $(stat -c %s "$work/metadata.json") bytes"
  start_nginx nginx-exporter "  server {
    listen 127.0.0.1:19502 ssl;
    location = /v1/metadata { default_type application/json; alias $work/metadata.json; }
  }"

  echo "== keep-alive throughput: wrk -t2 -c64 -d${SECS}s (one event loop thread vs one nginx worker)"
  wrk -t2 -c64 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" https://127.0.0.1:19501/v1/metadata >"$work/wrk-exp.txt"
  wrk -t2 -c64 -d"${SECS}s" --latency https://127.0.0.1:19502/v1/metadata >"$work/wrk-ngx.txt"
  E=$(wrk_rps "$work/wrk-exp.txt"); N=$(wrk_rps "$work/wrk-ngx.txt")
  printf "   exporter %10s req/s  p50 %s  p99 %s\n" "$E" "$(wrk_pct "$work/wrk-exp.txt" 50%)" "$(wrk_pct "$work/wrk-exp.txt" 99%)"
  printf "   nginx    %10s req/s  p50 %s  p99 %s\n" "$N" "$(wrk_pct "$work/wrk-ngx.txt" 50%)" "$(wrk_pct "$work/wrk-ngx.txt" 99%)"
  echo "   ratio exporter/nginx: $(ratio "$E" "$N")x (target >= 0.8)"

  echo "== /metrics beside /v1/metadata on the same exporter: wrk -t2 -c64 -d${SECS}s each"
  curl -sk -H "Authorization: Bearer $TOKEN" https://127.0.0.1:19501/metrics -o "$work/metrics.txt"
  wrk -t2 -c64 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" https://127.0.0.1:19501/metrics >"$work/wrk-metrics.txt"
  wrk -t2 -c64 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" https://127.0.0.1:19501/v1/metadata >"$work/wrk-exp2.txt"
  M=$(wrk_rps "$work/wrk-metrics.txt"); E2=$(wrk_rps "$work/wrk-exp2.txt")
  printf "   /metrics     %10s req/s  p50 %s  p99 %s  (%s bytes, %s samples; promtool check metrics: %s)\n" "$M" \
    "$(wrk_pct "$work/wrk-metrics.txt" 50%)" "$(wrk_pct "$work/wrk-metrics.txt" 99%)" "$(stat -c %s "$work/metrics.txt")" \
    "$(grep -vc '^#' "$work/metrics.txt")" "$(promtool check metrics <"$work/metrics.txt" >/dev/null 2>&1 && echo clean || echo NOT CLEAN)"
  printf "   /v1/metadata %10s req/s  p50 %s  p99 %s  (%s bytes)\n" "$E2" \
    "$(wrk_pct "$work/wrk-exp2.txt" 50%)" "$(wrk_pct "$work/wrk-exp2.txt" 99%)" "$(stat -c %s "$work/metadata.json")"
  echo "   ratio /metrics / /v1/metadata: $(ratio "$M" "$E2")x"

  echo "== fresh TLS handshake + request, sequential, 300 connections (python client, no resumption)"
  read -r hp50 hp99 < <(python3 "$here/handshake_latency.py" 19501 /v1/metadata "$TOKEN" "$work/crt.pem" 300)
  read -r np50 np99 < <(python3 "$here/handshake_latency.py" 19502 /v1/metadata "$TOKEN" "$work/crt.pem" 300)
  echo "   exporter p50 ${hp50}ms p99 ${hp99}ms;  nginx p50 ${np50}ms p99 ${np99}ms;  p99 ratio $(ratio "$hp99" "$np99")x"

  echo "== exporter resources"
  echo "   RSS after the load: $(rss_mib $EXP) MiB (target < 20)"
  t0=$(cpu_ticks $EXP); sleep 10; t1=$(cpu_ticks $EXP)
  echo "   idle CPU over 10 s (tasks scraping, no requests; 10 ms clock ticks): $(percent "$t0" "$t1" 10)% of a core (target < 1%)"

  echo "== fleet poller against one host: 64 kept-alive connections vs wrk -c64"
  aliases 19501 >"$work/one-host.txt"
  "$BIN/fleet" check --hosts "$work/one-host.txt" --config "$work/config.json" --sweeps 400 --quiet 2>"$work/sweeps.txt" >/dev/null || true
  P=$(polls "$work/sweeps.txt")
  echo "   poller $P req/s vs wrk $E req/s: $(ratio "$P" "$E")x  ($(cat "$work/sweeps.txt"))"
  kill $NGX $EXP 2>/dev/null || true
fi

if section bodies; then
  echo "== poller vs wrk: nginx (one worker) serving /v1/metadata bodies on 64 loopback aliases"
  echo "   fleet check --sweeps $SWEEPS over 127.0.0.2-65 (64 kept-alive connections) vs wrk -t1 -c64 -d${SECS}s, same nginx, same run"
  echo "   (11k 34k 79k: built from the samples with 5/7, 24/26, 60/62 disks/daemons; profiles: simulate --dump-body)"
  blocks=""; port=19510
  for p in $BODIES; do
    case $p in
      11k) python3 "$here/sample_body.py" 5 7 >"$work/body-$p.json" ;;
      34k) python3 "$here/sample_body.py" 24 26 >"$work/body-$p.json" ;;
      79k) python3 "$here/sample_body.py" 60 62 >"$work/body-$p.json" ;;
      *) "$BIN/cephadm-exporter" simulate --dump-body "$p" >"$work/body-$p.json" ;;
    esac
    blocks+="  server { listen $port ssl; location = /v1/metadata { default_type application/json; alias $work/body-$p.json; } }
"
    port=$((port + 1))
  done
  start_nginx nginx-bodies "$blocks"
  echo "   (CPU: user + system time of the client, microseconds per poll or request; nginx's per request in each run)"
  printf "   %-8s %8s %14s %12s %7s  %-8s  %s\n" body size "poller polls/s" "wrk req/s" ratio goal "CPU: poller (nginx) / wrk (nginx)"
  port=19510
  NGXW=$(pgrep -P $NGX | head -1)  # the worker: the master's own ticks do not include it
  for p in $BODIES; do
    aliases $port >"$work/aliases-$p.txt"
    n0=$(cpu_ticks $NGXW)
    fc=$(client_cpu "$BIN/fleet" check --hosts "$work/aliases-$p.txt" --config "$work/config.json" --sweeps "$SWEEPS" --quiet \
      2>"$work/sweeps-$p.txt")
    n1=$(cpu_ticks $NGXW)
    wc=$(client_cpu wrk -t1 -c64 -d"${SECS}s" "https://127.0.0.2:$port/v1/metadata" 2>/dev/null)
    n2=$(cpu_ticks $NGXW)
    # wrk's report went to the captured output: client_cpu prints it before its CPU line.
    printf "%s\n" "$wc" | grep -v '^CPU ' >"$work/wrk-$p.txt"
    P=$(polls "$work/sweeps-$p.txt"); W=$(wrk_rps "$work/wrk-$p.txt")
    FP=$(printf "%s\n" "$fc" | awk '/^CPU / {print $2}'); WP=$(printf "%s\n" "$wc" | awk '/^CPU / {print $2}')
    polled=$(python3 -c "print(int('$P') * $(grep -o 'in [0-9.]*s' "$work/sweeps-$p.txt" | tr -dc '0-9.'))")
    served=$(python3 -c "print(float('$W') * $SECS)")
    cpu=$(python3 -c "
t = $(getconf CLK_TCK)
print(f'{$FP / $polled * 1e6:.0f} us ({($n1 - $n0) / t / $polled * 1e6:.0f}) / {$WP / $served * 1e6:.0f} us ({($n2 - $n1) / t / $served * 1e6:.0f})')")
    printf "   %-8s %5s KB %14s %12s %6sx  %-8s  %s\n" "$p" "$(( $(stat -c %s "$work/body-$p.json") / 1000 ))" "$P" "$W" "$(ratio "$P" "$W")" ">= 0.8x" "$cpu"
    port=$((port + 1))
  done
  kill $NGX 2>/dev/null || true
fi

if section fleet; then
  max=0; for n in $FLEET_SIZES; do [ "$n" -gt "$max" ] && max=$n; done
  base=${BENCH_BASE_PORT:-21000}  # below the ephemeral port range (32768+)
  [ $((base + max)) -le 32768 ] || { echo "   BENCH_FLEET up to $max does not fit below port 32768"; exit 1; }

  echo "== simulated fleet: cephadm-exporter simulate --count $max --profile $PROFILE (one process, listening only)"
  s=$(date +%s.%N)
  sim "$work/sim-one.log" "$max" 0 $base "$work/sim-one.txt"
  e=$(date +%s.%N)
  echo "   start-up $(python3 -c "print(f'{$e - $s:.1f}')") s ($(python3 -c "print(f'{$(cpu_ticks $SIMPID) / $(getconf CLK_TCK):.1f}')") s of CPU), RSS $(rss_mib $SIMPID) MiB"
  grep '^profile' "$work/sim-one.log" | sed 's/^/   /'
  # Serving a dashboard takes a listening socket and a connection per host: split the fleet
  # over processes when one may not hold that many descriptors (the hard limit here).
  per=$(( ($(ulimit -n) - 256) / 2 ))
  procs=$(( (max + per - 1) / per ))
  if [ $procs -gt 1 ]; then
    kill $SIMPID; wait $SIMPID 2>/dev/null || true
    echo "   serving: $procs processes of <= $per hosts (open-files limit $(ulimit -n) < 2 per host + 256 in one process)"
    sims=(); : >"$work/all-hosts.txt"; chunk=$(( (max + procs - 1) / procs ))
    for k in $(seq 0 $((procs - 1))); do
      first=$((k * chunk)); n=$(( max - first < chunk ? max - first : chunk ))
      sim "$work/sim-$k.log" $n $first $((base + first)) "$work/sim-$k.txt"
      sims+=($SIMPID); cat "$work/sim-$k.txt" >>"$work/all-hosts.txt"
    done
  else
    sims=($SIMPID); cp "$work/sim-one.txt" "$work/all-hosts.txt"
  fi
  grep -v '^#' "$work/all-hosts.txt" >"$work/hosts-all.txt"

  echo "== fleet check: one sweep with fresh TLS handshakes (512 in flight)"
  for n in $FLEET_SIZES; do
    head -n "$n" "$work/hosts-all.txt" >"$work/hosts-$n.txt"
    s=$(date +%s.%N)
    "$BIN/fleet" check --hosts "$work/hosts-$n.txt" --config "$work/config.json" --timeout 10 --quiet >"$work/check-$n.txt" || true
    e=$(date +%s.%N)
    echo "   $n hosts: $(python3 -c "print(f'{$e - $s:.2f}')") s (goal at 10,000: < 5 s)  $(cut -c1-60 "$work/check-$n.txt")"
  done

  declare -A dash_rss
  echo "== dashboard polling every 5 s (tmux; ${DASH_WARMUP} s warm-up, ${DASH_SECS} s measured; goal at 10,000: < 50% of a core, < 200 MiB)"
  for n in $FLEET_SIZES; do
    tmux -L bench-$$ kill-server 2>/dev/null || true
    sleep 1  # a new server on the socket of one still exiting fails to start
    tmux -L bench-$$ -u new-session -d -x 160 -y 50 "LANG=C.UTF-8 $BIN/fleet --hosts $work/hosts-$n.txt --config $work/config.json --interval 5"
    sleep "$DASH_WARMUP"
    DASH=$(pgrep -f "^$BIN/fleet --hosts $work/hosts-$n.txt" | head -1)
    d0=$(cpu_ticks "$DASH"); s0=$(cpu_ticks "${sims[@]}"); sleep "$DASH_SECS"; d1=$(cpu_ticks "$DASH"); s1=$(cpu_ticks "${sims[@]}")
    rss=$(rss_mib "$DASH"); dash_rss[$n]=$rss
    echo "   $n hosts: dashboard CPU $(percent "$d0" "$d1" "$DASH_SECS")% of a core, RSS $rss MiB;" \
      "simulator CPU $(percent "$s0" "$s1" "$DASH_SECS")%, RSS $(rss_mib "${sims[@]}") MiB"
    echo "      screen: $(tmux -L bench-$$ capture-pane -p | sed -n 2p | tr -s ' ')"
  done
  min=$max; for n in $FLEET_SIZES; do [ "$n" -lt "$min" ] && min=$n; done
  if [ "$min" -lt "$max" ]; then
    echo "   dashboard RSS per host: $(python3 -c "print(f'{(${dash_rss[$max]} - ${dash_rss[$min]}) * 1024 / ($max - $min):.1f}')") KB" \
      "(slope from $min to $max hosts: one kept-alive TLS connection and the host's state)"
  fi

  echo "== the same dashboard ($n hosts): key-to-screen latency (tmux send-keys -> capture-pane)"
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
  echo "   key to screen (ms, 10 sort keys, includes tmux round trips): $(printf "%s\n" "${samples[@]}" | sort -n | tr '\n' ' ')(target < 50)"
fi

if section prometheus; then
  max=0; for n in $PROM_SIZES; do [ "$n" -gt "$max" ] && max=$n; done
  base=21000
  [ $((base + max)) -le 32768 ] || { echo "   BENCH_PROM_FLEET up to $max does not fit below port 32768"; exit 1; }
  # Its own loopback address: the fleet section (or another bench) may hold 127.0.0.1's ports.
  P=127.0.0.3
  python3 -c "import json; c=json.load(open('$work/config.json')); open('$work/prom.crt','w').write(c['crt']); open('$work/prom.token','w').write(c['token'])"
  chmod 600 "$work/prom.token"
  echo "== Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') scraping a simulated fleet every ${PROM_INTERVAL}s (https, token; the example job), vs polling directly"
  printf "   %6s  %-22s %-26s %-18s %-20s %s\n" hosts "scrape p50/p99/max" "Prometheus CPU, RSS" "check --prometheus" "dashboard CPU, RSS" "check --hosts"
  for n in $PROM_SIZES; do
    per=$(( ($(ulimit -n) - 256) / 2 )); procs=$(( (n + per - 1) / per )); chunk=$(( (n + procs - 1) / procs ))
    sims=(); : >"$work/prom-hosts.txt"
    for k in $(seq 0 $((procs - 1))); do
      first=$((k * chunk)); m=$(( n - first < chunk ? n - first : chunk ))
      sim "$work/prom-sim-$k.log" "$m" "$first" $((base + first)) "$work/prom-sim-$k.txt" $P
      sims+=($SIMPID)
      grep -v '^#' "$work/prom-sim-$k.txt" | awk '{print $1}' >>"$work/prom-hosts.txt"
    done
    {
      echo "global: {scrape_interval: ${PROM_INTERVAL}s, scrape_timeout: $(( PROM_INTERVAL < 10 ? PROM_INTERVAL : 10 ))s}"
      echo "scrape_configs:"
      echo "  - job_name: cephadm-exporter"
      echo "    scheme: https"
      echo "    authorization: {type: Bearer, credentials_file: $work/prom.token}"
      echo "    tls_config: {ca_file: $work/prom.crt, server_name: cephadm-exporter}"
      echo "    static_configs:"
      echo "      - targets:"
      sed 's/^/          - /' "$work/prom-hosts.txt"
    } >"$work/prom-$n.yml"
    rm -rf "$work/tsdb-$n"
    prometheus --config.file "$work/prom-$n.yml" --storage.tsdb.path "$work/tsdb-$n" --web.listen-address $P:19090 \
      --log.level warn 2>"$work/prom-$n.log" &
    PROM=$!; pids+=($PROM)
    q() { curl -s --data-urlencode "query=$1" http://$P:19090/api/v1/query | python3 -c "import json,sys; r=json.load(sys.stdin)['data']['result']; print(r[0]['value'][1] if r else 'nan')"; }
    for _ in $(seq 1 600); do  # until every target was scraped twice
      kill -0 $PROM 2>/dev/null || { cat "$work/prom-$n.log"; exit 1; }
      [ "$(q "count(count_over_time(up{job=\"cephadm-exporter\"}[10m]) >= 2)" 2>/dev/null)" = "$n" ] && break
      sleep 1
    done
    p0=$(cpu_ticks $PROM); sleep $((2 * PROM_INTERVAL)); p1=$(cpu_ticks $PROM)
    scrape=$(python3 -c "
import sys; a=[float(x)*1000 for x in sys.argv[1:]]; print('%.1f/%.1f/%.1f ms' % tuple(a))" $(q 'quantile(0.5, scrape_duration_seconds{job="cephadm-exporter"})') $(q 'quantile(0.99, scrape_duration_seconds{job="cephadm-exporter"})') $(q 'max(scrape_duration_seconds{job="cephadm-exporter"})'))
    promcpu="$(percent "$p0" "$p1" $((2 * PROM_INTERVAL)))%, $(rss_mib $PROM) MiB"
    s=$(date +%s.%N); "$BIN/fleet" check --prometheus http://$P:19090 --quiet >"$work/pcheck-$n.txt" || true; e=$(date +%s.%N)
    pcheck="$(python3 -c "print(f'{$e - $s:.2f}')") s ($(grep -o '[0-9]*/[0-9]* hosts ok' "$work/pcheck-$n.txt"))"
    # The same answers fetched by curl and thrown away: Prometheus' share of the check's time.
    J='{job="cephadm-exporter"}'
    s=$(date +%s.%N)
    got=$(curl -s -o /dev/null -w '%{size_download}' "http://$P:19090/api/v1/targets?state=active")
    for expr in "max by (instance) (up$J)" "max by (instance) (timestamp(up$J))" "max by (instance) (scrape_duration_seconds$J)" \
      "max by (instance) (cephadm_exporter_time_seconds$J)" "max by (instance) (cephadm_exporter_start_time_seconds$J)" \
      "max by (instance, hostname, kernel, os, arch) (cephadm_exporter_host_info$J)" "max by (instance, type) (cephadm_exporter_host_disks$J)" \
      "max by (instance) (cephadm_exporter_host_memory_total_bytes$J)" "max by (instance, task) (cephadm_exporter_task_active$J)" \
      "max by (instance, task) (cephadm_exporter_task_last_scrape_timestamp_seconds$J)" "max by (instance, task) (cephadm_exporter_task_interval_seconds$J)" \
      "max by (instance, task) (cephadm_exporter_task_scrape_errors$J)" "max by (instance, task) (cephadm_exporter_task_restarts_total$J)"; do
      got="$got + $(curl -s -o /dev/null -w '%{size_download}' --data-urlencode "query=$expr" http://$P:19090/api/v1/query)"
    done
    e=$(date +%s.%N)
    fetch=$(python3 -c "print(f'{$e - $s:.2f}')")
    tmux -L bench-$$ kill-server 2>/dev/null || true; sleep 1
    tmux -L bench-$$ -u new-session -d -x 160 -y 50 "LANG=C.UTF-8 $BIN/fleet --prometheus http://$P:19090 --interval 5"
    sleep "$DASH_WARMUP"
    DASH=$(pgrep -f "^$BIN/fleet --prometheus http://$P:19090" | head -1)
    d0=$(cpu_ticks "$DASH"); sleep "$DASH_SECS"; d1=$(cpu_ticks "$DASH")
    dash="$(percent "$d0" "$d1" "$DASH_SECS")%, $(rss_mib "$DASH") MiB"
    tmux -L bench-$$ kill-server 2>/dev/null || true
    kill $PROM; wait $PROM 2>/dev/null || true
    s=$(date +%s.%N); "$BIN/fleet" check --hosts "$work/prom-hosts.txt" --config "$work/config.json" --timeout 10 --quiet >/dev/null || true; e=$(date +%s.%N)
    direct="$(python3 -c "print(f'{$e - $s:.2f}')") s"
    printf "   %6s  %-22s %-26s %-18s %-20s %s\n" "$n" "$scrape" "$promcpu" "$pcheck" "$dash" "$direct"
    echo "          one look (targets API and the instant queries): $(python3 -c "print(f'{($got) / 1048576:.1f}')") MiB of JSON from Prometheus; curl fetches it in $fetch s"
    kill "${sims[@]}" 2>/dev/null || true; wait "${sims[@]}" 2>/dev/null || true
  done
fi
