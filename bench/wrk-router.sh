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
. "$root/bench/lib.sh"

log=$(mktemp -d)
declare -A PORT PID
names=()
start() { names+=("$1"); PID[$1]=$2; PORT[$1]=$3; wait_port "$3" || { echo "bench: $1 did not start (log in $log)" >&2; exit 1; }; }
cleanup() { for n in "${names[@]}"; do kill -INT "${PID[$n]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

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

for n in "${names[@]}"; do wrk -t"$wthreads" -c"$conns" -d"${warm}s" "http://127.0.0.1:${PORT[$n]}/" >/dev/null 2>&1 || true; done

declare -A ROWS=()
for r in $(seq "$rounds"); do
  for n in "${names[@]}"; do
    before=$(tree_cpu_ticks "${PID[$n]}")
    out=$(wrk --latency -t"$wthreads" -c"$conns" -d"${secs}s" "http://127.0.0.1:${PORT[$n]}/" 2>&1)
    after=$(tree_cpu_ticks "${PID[$n]}")
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
    cpu=$(awk -v t=$((after - before)) -v r="${reqs:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", (r > 0 ? t * 1e6 / hz / r : 0)}')
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); [ -n "$rps" ] || { echo "bench: wrk failed against $n:" >&2; echo "$out" >&2; rps=0; }
    p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
    errs=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s; ", $0}' <<<"$out")
    ROWS[$n]+="$rps $p50 $p99 $cpu ${errs:-no errors}"$'\n'
  done
done
echo "== median of $rounds round(s) (wrk -t$wthreads -c$conns -d${secs}s, keep-alive as wrk does)"
declare -A MED=()
for n in "${names[@]}"; do
  med() { printf '%s' "${ROWS[$n]}" | awk -v c="$1" '{print $c}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  MED[$n]=$(med 1)
  printf '%-10s %10s req/s  p50 %6s ms  p99 %6s ms  CPU %4s us/req  RSS %4d MiB  %s\n' "$n" "$(med 1)" "$(med 2)" "$(med 3)" \
    "$(med 4)" $(( $(tree_rss_kb "${PID[$n]}") / 1024 )) "$(printf '%s' "${ROWS[$n]}" | head -1 | cut -d' ' -f5-)"
done
for peer in uWSGI uWSGI+ka; do
  awk -v a="${MED[uwsgi4j]}" -v b="${MED[$peer]}" -v p="$peer" 'BEGIN {printf "uwsgi4j --http / %s --http: %.2fx requests/s\n", p, a / b}'
done
echo "($procs worker processes each; ${warm}s warm-up each; logs in $log)"
