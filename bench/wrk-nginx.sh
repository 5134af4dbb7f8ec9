#!/usr/bin/env bash
# The deployment most uWSGI users run: nginx in front (one worker process, kept-alive client
# connections, `uwsgi_pass` to a Unix socket with Debian's uwsgi_params), the server behind it
# on `--socket`. wrk against one nginx per server, side by side in one run: uwsgi4j and Debian's
# real uWSGI (`uwsgi --plugin python3 --socket`), the same hello app (examples/python/hello.py),
# the same number of worker processes. nginx opens a new upstream connection for every request
# (the uwsgi protocol has no keep-alive), so the server pays a connection per request here, as
# in wrk-hello.sh's close mode, over a Unix socket. A third pair, "uwsgi4j+http", is nginx with
# `proxy_pass` and upstream keep-alive (HTTP/1.1, `keepalive` as many as wrk's connections; with
# fewer, nginx opens and closes the rest for every request, and the p99 was 4× worse) to
# uwsgi4j's `--http-socket` on loopback: the deployment that avoids a connection per request
# (docs/performance.md).
#
#   bench/wrk-nginx.sh [processes] [wrk-threads] [connections] [seconds] [warmup-seconds] [rounds]
#   defaults:          2           2             50            15        15               3
#   UPSTREAM_KEEPALIVE=N: the "uwsgi4j+http" pair keeps N upstream connections (default: as many
#   as wrk's connections)
#
# Needs wrk, nginx, uwsgi, uwsgi-plugin-python3 (apt-get install wrk nginx uwsgi uwsgi-plugin-python3).
# Prints per pair the median round: requests/s, p50 and p99 latency, errors, CPU per request
# (user + system from /proc) of nginx and the server together, and of the server alone, and
# RSS (nginx and the server). Nothing is asserted: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; wthreads="${2:-2}"; conns="${3:-50}"; secs="${4:-15}"; warm="${5:-15}"; rounds="${6:-3}"
app="$root/examples/python/hello.py"
for cmd in wrk nginx uwsgi; do
  command -v "$cmd" >/dev/null || { echo "bench: $cmd is missing (apt-get install wrk nginx uwsgi uwsgi-plugin-python3)" >&2; exit 1; }
done
. "$root/bench/lib.sh" # servers_init, start, warm_up, rounds_of, measure, med …

servers_init
"$root/uwsgi4j" --version >/dev/null # builds the distribution first when the sources are newer

# pair NAME SERVER-COMMAND…: the server on $log/NAME.sock and an nginx in front of it on a free
# port, both children of one subshell (so that the CPU and RSS of the pair are one tree); the
# server's own pid is written to $log/NAME.pid for its share. With HTTP_UPSTREAM=1 the server
# listens with --http-socket on a free loopback port instead and nginx proxies to it with kept-alive
# upstream connections.
pair() {
  local name="$1" port sock="$log/$1.sock" listen upstream location; shift
  port=$(free_port)
  if [ "${HTTP_UPSTREAM:-0}" = 1 ]; then
    local up; up=$(free_port)
    listen=(--http-socket "127.0.0.1:$up"); sock=""
    upstream="upstream app { server 127.0.0.1:$up; keepalive ${UPSTREAM_KEEPALIVE:-$conns}; }"
    location='location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host; }'
  else
    listen=(--socket "$sock")
    upstream=""
    location="location / { include /etc/nginx/uwsgi_params; uwsgi_pass unix:$sock; }"
  fi
  mkdir -p "$log/$name-tmp"
  cat >"$log/$name-nginx.conf" <<EOF
worker_processes 1;
daemon off;
user root;
pid $log/$name-nginx.pid;
error_log $log/$name-nginx.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $log/$name-tmp/body;
  proxy_temp_path $log/$name-tmp/proxy;
  fastcgi_temp_path $log/$name-tmp/fastcgi;
  uwsgi_temp_path $log/$name-tmp/uwsgi;
  scgi_temp_path $log/$name-tmp/scgi;
  $upstream
  server {
    listen 127.0.0.1:$port;
    $location
  }
}
EOF
  (
    "$@" "${listen[@]}" >"$log/$name.log" 2>&1 &
    echo $! >"$log/$name.pid"
    for _ in $(seq 600); do { [ -z "$sock" ] || [ -S "$sock" ]; } && break; sleep 0.05; done
    nginx -c "$log/$name-nginx.conf" >"$log/$name-nginx.log" 2>&1 &
    trap 'kill -TERM $(jobs -p) 2>/dev/null; kill -INT $(jobs -p) 2>/dev/null; wait' TERM INT
    wait
  ) &
  start "$name" $! "$port"
  for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && return; sleep 0.05; done # the app answers, not only nginx
  echo "bench: $name did not answer through nginx (logs in $log)" >&2; exit 1
}

pair uwsgi4j "$root/uwsgi4j" --wsgi-file "$app" --master --processes "$procs" --disable-logging
pair uWSGI uwsgi --plugin python3 --wsgi-file "$app" --master --processes "$procs" --disable-logging --die-on-term
HTTP_UPSTREAM=1 pair uwsgi4j+http "$root/uwsgi4j" --wsgi-file "$app" --master --processes "$procs" --disable-logging

warm_up

# rounds_of, with the server's own CPU beside the pair's (SERVER_CPU[NAME]: one value per round)
declare -A SERVER_CPU=()
for r in $(seq "$rounds"); do
  for n in "${names[@]}"; do
    spid=$(cat "$log/$n.pid")
    before=$(tree_cpu_ticks "$spid")
    row="$(measure "$n")"
    after=$(tree_cpu_ticks "$spid")
    ROWS[$n]+="$row"$'\n'
    reqs=$(awk -v r="${row%% *}" -v s="$secs" 'BEGIN {printf "%.0f", r * s}')
    SERVER_CPU[$n]+="$(awk -v t=$((after - before)) -v r="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", (r > 0 ? t * 1e6 / hz / r : 0)}') "
  done
done

echo "== nginx (1 worker) → uwsgi_pass unix socket → server (uwsgi4j+http: proxy_pass, kept-alive upstream, --http-socket); median of $rounds round(s) (wrk -t$wthreads -c$conns -d${secs}s)"
declare -A MED=()
for n in "${names[@]}"; do
  MED[$n]=$(med "$n" 1)
  server=$(tr ' ' '\n' <<<"${SERVER_CPU[$n]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-12s %10s req/s  p50 %6s ms  p99 %6s ms  CPU %4s us/req (the server alone %4s)  RSS %4d MiB  rounds (req/s / p99 ms): %s %s\n' \
    "$n" "${MED[$n]}" "$(med "$n" 2)" "$(med "$n" 3)" "$(med "$n" 4)" "$server" "$(rss_mib "$n")" "$(rounds_seen "$n")" "$(errors_of "$n")"
done
for n in uwsgi4j uwsgi4j+http; do
  awk -v a="${MED[$n]}" -v b="${MED[uWSGI]}" -v n="$n" 'BEGIN {printf "nginx → %s / nginx → uWSGI: %.2fx requests/s\n", n, a / b}'
done
echo "($procs worker processes each; ${warm}s warm-up each; logs in $log)"
