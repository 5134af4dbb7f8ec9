#!/usr/bin/env bash
# End-to-end benchmark for Rack: wrk against uwsgi4j's rack plugin, Debian's Puma
# (puma -w N -t 1:1) and real uWSGI's rack plugin (uwsgi-plugin-rack-ruby3.1) with its default
# (a full GC after every request) and with --rb-gc-freq 1000, all serving examples/rack/hello.ru
# on loopback with the same number of worker processes, one thread each.
#
#   bench/wrk-rack.sh [processes] [wrk-threads] [connections] [seconds] [warmup-seconds]
#   defaults:         2           2             50            15        15
#
# Needs wrk; uses puma and uwsgi + uwsgi-plugin-rack-ruby3.1 when present
# (apt-get install wrk puma uwsgi uwsgi-plugin-rack-ruby3.1). All servers run at once (idle ones
# cost nothing); after a warm-up each (the JVM's JIT needs 10-15 s) each is measured once, in
# turn, with keep-alive (wrk's default; uWSGI's --http-socket closes each connection anyway).
# Printed: requests/s, p50 and p99 latency, errors, CPU time of all its processes per request,
# total RSS. Nothing is asserted: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; wthreads="${2:-2}"; conns="${3:-50}"; secs="${4:-15}"; warm="${5:-15}"
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

echo "== one run each (wrk -t$wthreads -c$conns -d${secs}s, keep-alive)"
declare -A RPS P99
for n in "${names[@]}"; do
  read -r rps p50 p99 cpu _ _ errs <<<"$(measure "$n")"
  RPS[$n]=$rps; P99[$n]=$p99
  printf '%-16s %10s req/s  p50 %7s ms  p99 %7s ms  CPU %5s us/req  RSS %4d MiB  %s\n' \
    "$n" "$rps" "$p50" "$p99" "$cpu" "$(rss_mib "$n")" "$errs"
done
for peer in puma uWSGI-gc-default uWSGI-gc-1000; do
  if [ -n "${RPS[$peer]:-}" ]; then
    awk -v a="${RPS[uwsgi4j]}" -v b="${RPS[$peer]}" -v pa="${P99[uwsgi4j]}" -v pb="${P99[$peer]}" -v p="$peer" \
      'BEGIN {printf "uwsgi4j / %s: %.2fx requests/s, p99 %.2f vs %.2f ms\n", p, a / b, pa, pb}'
  fi
done
echo "($procs worker processes each, one thread; ${warm}s warm-up each; logs in $log)"
