#!/usr/bin/env bash
# The HTTP router benchmark: wrk against uwsgi4j's --http in front of N Python workers (embedded
# mode: the router forwards over the uwsgi protocol to the instance's internal socket) and
# against Debian's real uWSGI doing the same hop (`uwsgi --plugin python3,http --http`), with
# and without uWSGI's --http-keepalive (off by default in uWSGI; on by default in uwsgi4j).
# Same hello app (examples/python/hello.py), loopback, the same number of workers.
#
#   bench/wrk-router.sh [processes] [wrk-threads] [connections] [seconds] [warmup-seconds] [rounds]
#   defaults:           2           2             50            15        15               1
#
# Needs wrk, uwsgi, uwsgi-plugin-python3. Prints per server the median round: requests/s, p50 and
# p99 latency, errors, CPU per request (all its processes, user + system, from /proc) and RSS.
# Nothing is asserted: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; wthreads="${2:-2}"; conns="${3:-50}"; secs="${4:-15}"; warm="${5:-15}"; rounds="${6:-1}"
app="$root/examples/python/hello.py"
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
command -v uwsgi >/dev/null || { echo "bench: uwsgi is missing (apt-get install uwsgi uwsgi-plugin-python3)" >&2; exit 1; }
. "$root/bench/lib.sh" # servers_init, start, warm_up, rounds_of, measure, med …

servers_init

"$root/uwsgi4j" --version >/dev/null # builds the distribution first when the sources are newer
port=$(free_port)
"$root/uwsgi4j" --http "127.0.0.1:$port" --wsgi-file "$app" --master --processes "$procs" --disable-logging >"$log/uwsgi4j.log" 2>&1 &
start "uwsgi4j" $! "$port"
port=$(free_port)
uwsgi --plugin python3,http --http "127.0.0.1:$port" --wsgi-file "$app" --master --processes "$procs" --disable-logging \
  --die-on-term >"$log/uwsgi.log" 2>&1 &
start "uWSGI" $! "$port"
port=$(free_port)
uwsgi --plugin python3,http --http "127.0.0.1:$port" --http-keepalive --wsgi-file "$app" --master --processes "$procs" \
  --disable-logging --die-on-term >"$log/uwsgi-ka.log" 2>&1 &
start "uWSGI+ka" $! "$port"

warm_up

rounds_of "$rounds"
echo "== median of $rounds round(s) (wrk -t$wthreads -c$conns -d${secs}s, keep-alive as wrk does)"
declare -A MED=()
for n in "${names[@]}"; do
  MED[$n]=$(med "$n" 1)
  printf '%-10s %10s req/s  p50 %6s ms  p99 %6s ms  CPU %4s us/req  RSS %4d MiB  %s\n' "$n" "${MED[$n]}" "$(med "$n" 2)" "$(med "$n" 3)" \
    "$(med "$n" 4)" "$(rss_mib "$n")" "$(errors_of "$n")"
done
for peer in uWSGI uWSGI+ka; do
  awk -v a="${MED[uwsgi4j]}" -v b="${MED[$peer]}" -v p="$peer" 'BEGIN {printf "uwsgi4j --http / %s --http: %.2fx requests/s\n", p, a / b}'
done
echo "($procs worker processes each; ${warm}s warm-up each; logs in $log)"
