#!/usr/bin/env bash
# End-to-end benchmark: wrk against uwsgi4j, Debian's real uWSGI and gunicorn (each when
# installed), all serving the same WSGI hello app (examples/python/hello.py) on loopback with
# the same number of worker processes.
#
#   bench/wrk-hello.sh [processes] [wrk-threads] [connections] [seconds] [warmup-seconds] [rounds]
#   defaults:          2           2             50            15        15               3
#   WRK_MODE=keepalive|close|both (default both)
#   BASELINE=DIR  also runs the uwsgi4j of another checkout (e.g. a worktree of the commit
#                 before a change) as "uwsgi4j@base", alternating with this one in every round
#   PEERS=0       leaves out uWSGI and gunicorn (only the uwsgi4j servers)
#   VARIANT="JVM flags"  also runs this uwsgi4j with these extra JVM flags (UWSGI4J_JAVA_OPTS)
#                 as "uwsgi4j+variant", e.g. VARIANT=-Djdk.pollerMode=1
#   LOGGING=json  also runs "uwsgi4j+json": request logging on, every line JSON-encoded to a file
#                 (--req-logger file:… --log-req-encoder json … --log-req-encoder nl)
#   LOGGING=all   also runs "uwsgi4j+log" (uWSGI's default request line to a --logto file) beside
#                 "uwsgi4j+json": no logging, default logging and JSON logging in the same rounds
#   APP=FILE APP_CALLABLE=NAME URL_PATH=/P  another WSGI app than the hello app, and the path wrk asks
#                 for, e.g. APP=examples/python/flask_app.py APP_CALLABLE=app URL_PATH=/hello/you
#   LOGGING=alarm also runs "uwsgi4j+log" (request logging on, to a file) and "uwsgi4j+alarm" (the
#                 same with a log alarm that no line matches: what watching every line costs)
#
# Needs wrk; uses uwsgi + uwsgi-plugin-python3 and gunicorn when present
# (apt-get install wrk uwsgi uwsgi-plugin-python3 gunicorn). All servers run at once (idle
# ones cost nothing); after a warm-up each (the JVM's JIT needs 10-15 s) they are measured in
# turn, round after round, so a noisy neighbour hits them alike; the median round of each is
# printed: requests/s, p50 and p99 latency, the mean and the maximum (a server that starves a
# few connections can show a low p99 beside a mean far above its p50), errors, the CPU time all its processes used per
# request (user + system, from /proc), and the total RSS of all its processes.
#
# Two modes: "keepalive" is wrk's default (HTTP/1.1 persistent connections; uWSGI's
# --http-socket still closes each connection after its response, and wrk does not count the
# reconnects in the latency); "close" sends "Connection: close" to everyone, which is like for
# like. Nothing is asserted: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; wthreads="${2:-2}"; conns="${3:-50}"; secs="${4:-15}"; warm="${5:-15}"; rounds="${6:-3}"
modes="${WRK_MODE:-both}"; [ "$modes" = both ] && modes="keepalive close"
appfile="${APP:-$root/examples/python/hello.py}"; callable="${APP_CALLABLE:-application}"; path="${URL_PATH:-/}"
app=(--wsgi-file "$appfile" --callable "$callable")
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
. "$root/bench/lib.sh" # servers_init, start, warm_up, rounds_of, measure, med …
url() { echo "http://127.0.0.1:${PORT[$1]}$path"; }

servers_init

"$root/uwsgi4j" --version >/dev/null # builds the distribution first when the sources are newer
port=$(free_port)
"$root/uwsgi4j" --http-socket "127.0.0.1:$port" "${app[@]}" --master --processes "$procs" --disable-logging \
  >"$log/uwsgi4j.log" 2>&1 &
start uwsgi4j $! "$port"
if [ "${LOGGING:-}" = all ]; then
  port=$(free_port)
  "$root/uwsgi4j" --http-socket "127.0.0.1:$port" "${app[@]}" --master --processes "$procs" \
    --logto "$log/requests.log" >"$log/uwsgi4j-log.log" 2>&1 &
  start uwsgi4j+log $! "$port"
fi
if [ "${LOGGING:-}" = json ] || [ "${LOGGING:-}" = all ]; then
  port=$(free_port)
  "$root/uwsgi4j" --http-socket "127.0.0.1:$port" "${app[@]}" --master --processes "$procs" \
    --req-logger "file:$log/requests.json" --log-req-encoder 'json {"time":${millis},"line":"${msg}"}' \
    --log-req-encoder nl >"$log/uwsgi4j-json.log" 2>&1 &
  start uwsgi4j+json $! "$port"
fi
if [ "${LOGGING:-}" = alarm ]; then
  port=$(free_port)
  "$root/uwsgi4j" --http-socket "127.0.0.1:$port" "${app[@]}" --master --processes "$procs" \
    --logto "$log/requests-log.txt" >"$log/uwsgi4j-log.log" 2>&1 &
  start uwsgi4j+log $! "$port"
  port=$(free_port)
  "$root/uwsgi4j" --http-socket "127.0.0.1:$port" "${app[@]}" --master --processes "$procs" \
    --logto "$log/requests-alarm.txt" --alarm "never log:" --log-alarm "never HARAKIRI ON WORKER" \
    >"$log/uwsgi4j-alarm.log" 2>&1 &
  start uwsgi4j+alarm $! "$port"
fi
if [ -n "${BASELINE:-}" ]; then
  "$BASELINE/uwsgi4j" --version >/dev/null
  port=$(free_port)
  "$BASELINE/uwsgi4j" --http-socket "127.0.0.1:$port" "${app[@]}" --master --processes "$procs" \
    --disable-logging >"$log/uwsgi4j-base.log" 2>&1 &
  start uwsgi4j@base $! "$port"
fi
if [ -n "${VARIANT:-}" ]; then
  port=$(free_port)
  UWSGI4J_JAVA_OPTS="$VARIANT" "$root/uwsgi4j" --http-socket "127.0.0.1:$port" "${app[@]}" --master \
    --processes "$procs" --disable-logging >"$log/uwsgi4j-variant.log" 2>&1 &
  start uwsgi4j+variant $! "$port"
fi
peers="${PEERS:-1}"
if [ "$peers" != 0 ] && command -v uwsgi >/dev/null; then
  port=$(free_port)
  uwsgi --plugins python3 --http-socket "127.0.0.1:$port" "${app[@]}" --master --processes "$procs" \
    --disable-logging --die-on-term >"$log/uwsgi.log" 2>&1 &
  start uWSGI $! "$port"
fi
if [ "$peers" != 0 ] && command -v gunicorn >/dev/null; then
  port=$(free_port)
  gunicorn --workers "$procs" --bind "127.0.0.1:$port" --chdir "$(dirname "$appfile")" "$(basename "$appfile" .py):$callable" >"$log/gunicorn.log" 2>&1 &
  start gunicorn $! "$port"
fi

warm_up

for mode in $modes; do
  header=(); [ "$mode" = close ] && header=(-H "Connection: close")
  rounds_of "$rounds" "${header[@]}"
  echo "== $mode: median of $rounds rounds (wrk -t$wthreads -c$conns -d${secs}s${header:+ -H 'Connection: close'})"
  declare -A MED=()
  for n in "${names[@]}"; do
    MED[$n]=$(med "$n" 1)
    printf '%-12s %10s req/s  p50 %6s ms  p99 %6s ms  mean %6s ms  max %7s ms  CPU %4s us/req  RSS %4d MiB  rounds (req/s / p99 ms): %s %s\n' \
      "$n" "${MED[$n]}" "$(med "$n" 2)" "$(med "$n" 3)" "$(med "$n" 5)" "$(med "$n" 6)" "$(med "$n" 4)" "$(rss_mib "$n")" \
      "$(rounds_seen "$n")" "$(errors_of "$n")"
  done
  for peer in uwsgi4j@base uwsgi4j+variant uWSGI gunicorn; do
    if [ -n "${MED[$peer]:-}" ]; then
      awk -v a="${MED[uwsgi4j]}" -v b="${MED[$peer]}" -v p="$peer" 'BEGIN {printf "uwsgi4j / %s: %.2fx requests/s\n", p, a / b}'
    fi
  done
done
echo "($procs worker processes each; ${warm}s warm-up each; logs in $log)"
