#!/usr/bin/env bash
# End-to-end benchmark for Rack: wrk against uwsgi4j's rack plugin, Debian's Puma
# (puma -w N -t 1:1) and real uWSGI's rack plugin (uwsgi-plugin-rack-ruby3.1) with its default
# (a full GC after every request) and with --rb-gc-freq 1000, all serving examples/rack/hello.ru
# on loopback with the same number of worker processes, one thread each.
#
#   bench/wrk-rack.sh [processes] [wrk-threads] [connections] [seconds] [warmup-seconds] [rounds]
#   defaults:         2           2             50            15        15               3
#
# Needs wrk; uses puma and uwsgi + uwsgi-plugin-rack-ruby3.1 when present
# (apt-get install wrk puma uwsgi uwsgi-plugin-rack-ruby3.1). All servers run at once (idle ones
# cost nothing); after a warm-up each (the JVM's JIT needs 10-15 s) the servers are measured in
# turn, round after round, with keep-alive (wrk's default; uWSGI's --http-socket closes each
# connection anyway), so that a machine whose speed drifts slows them alike; one run each swung
# Puma's figure by 11 % between runs. Printed per server: the medians over the rounds of
# requests/s, p50 and p99 latency and CPU time of all its processes per request, each round's
# requests/s and p99, the first round's errors, the total RSS; then the ratios of the medians.
# Nothing is asserted: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; wthreads="${2:-2}"; conns="${3:-50}"; secs="${4:-15}"; warm="${5:-15}"; rounds="${6:-3}"
app="$root/examples/rack/hello.ru"
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
. "$root/bench/lib.sh" # servers_init, start, warm_up, rounds_of, measure, med …

servers_init

"$root/uwsgi4j" --version >/dev/null # builds the distribution first when the sources are newer
port=$(free_port)
"$root/uwsgi4j" --http-socket "127.0.0.1:$port" --rack "$app" --master --processes "$procs" --disable-logging \
  >"$log/uwsgi4j.log" 2>&1 &
start uwsgi4j $! "$port"
if command -v puma >/dev/null; then
  port=$(free_port)
  puma -w "$procs" -t 1:1 -b "tcp://127.0.0.1:$port" --environment production "$app" >"$log/puma.log" 2>&1 &
  start puma $! "$port"
fi
if command -v uwsgi >/dev/null && [ -e /usr/lib/uwsgi/plugins/rack_ruby31_plugin.so ]; then
  for gc in default 1000; do
    port=$(free_port)
    extra=(); [ "$gc" = default ] || extra=(--rb-gc-freq "$gc")
    uwsgi --plugins rack_ruby31 --http-socket "127.0.0.1:$port" --rack "$app" --master --processes "$procs" \
      --disable-logging --die-on-term "${extra[@]}" >"$log/uwsgi-$gc.log" 2>&1 &
    start "uWSGI-gc-$gc" $! "$port"
  done
fi

warm_up

rounds_of "$rounds"
echo "== median of $rounds rounds (wrk -t$wthreads -c$conns -d${secs}s, keep-alive)"
declare -A MED P99
for n in "${names[@]}"; do
  MED[$n]=$(med "$n" 1); P99[$n]=$(med "$n" 3)
  printf '%-16s %10s req/s  p50 %7s ms  p99 %7s ms  CPU %5s us/req  RSS %4d MiB  rounds (req/s / p99 ms): %s %s\n' \
    "$n" "${MED[$n]}" "$(med "$n" 2)" "${P99[$n]}" "$(med "$n" 4)" "$(rss_mib "$n")" "$(rounds_seen "$n")" "$(errors_of "$n")"
done
for peer in puma uWSGI-gc-default uWSGI-gc-1000; do
  if [ -n "${MED[$peer]:-}" ]; then
    awk -v a="${MED[uwsgi4j]}" -v b="${MED[$peer]}" -v pa="${P99[uwsgi4j]}" -v pb="${P99[$peer]}" -v p="$peer" \
      'BEGIN {printf "uwsgi4j / %s: %.2fx requests/s, p99 %.2f vs %.2f ms\n", p, a / b, pa, pb}'
  fi
done
echo "($procs worker processes each, one thread; ${warm}s warm-up each; logs in $log)"
