#!/usr/bin/env bash
# End-to-end benchmark for PSGI: wrk against uwsgi4j's psgi plugin, Debian's Starman
# (starman --workers N) and real uWSGI's psgi plugin (uwsgi-plugin-psgi), each when installed,
# all serving the same PSGI hello app (examples/psgi/hello.psgi) on loopback with the same
# number of worker processes.
#
#   bench/wrk-psgi.sh [processes] [wrk-threads] [connections] [seconds] [warmup-seconds] [rounds]
#   defaults:         2           2             50            15        15               3
#   WRK_MODE=keepalive|close|both (default both)
#
# Needs wrk; uses starman and uwsgi + uwsgi-plugin-psgi when present
# (apt-get install wrk starman uwsgi uwsgi-plugin-psgi). As bench/wrk-hello.sh: all servers run
# at once, each gets a warm-up, then they are measured in turn, round after round, and the
# median round of each is printed (requests/s, p50/p99, errors, CPU per request of all its
# processes, RSS of all its processes). Starman serves one keep-alive connection per worker
# at a time: with more connections than workers, the others wait (wrk counts them as timeouts
# under "Socket errors" when they wait over 2 s). Nothing is asserted: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; wthreads="${2:-2}"; conns="${3:-50}"; secs="${4:-15}"; warm="${5:-15}"; rounds="${6:-3}"
modes="${WRK_MODE:-both}"; [ "$modes" = both ] && modes="keepalive close"
appdir="$root/examples/psgi"
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
. "$root/bench/lib.sh" # servers_init, start, warm_up, rounds_of, measure, med …

servers_init

"$root/uwsgi4j" --version >/dev/null # builds the distribution first when the sources are newer
port=$(free_port)
"$root/uwsgi4j" --http-socket "127.0.0.1:$port" --psgi "$appdir/hello.psgi" --master --processes "$procs" --disable-logging \
  >"$log/uwsgi4j.log" 2>&1 &
start uwsgi4j $! "$port"
if command -v starman >/dev/null; then
  port=$(free_port)
  starman --workers "$procs" --listen "127.0.0.1:$port" "$appdir/hello.psgi" >"$log/starman.log" 2>&1 &
  start Starman $! "$port"
fi
if command -v uwsgi >/dev/null && [ -e /usr/lib/uwsgi/plugins/psgi_plugin.so ]; then
  port=$(free_port)
  uwsgi --plugins psgi --http-socket "127.0.0.1:$port" --psgi "$appdir/hello.psgi" --master --processes "$procs" \
    --disable-logging --die-on-term >"$log/uwsgi.log" 2>&1 &
  start uWSGI $! "$port"
fi

warm_up

for mode in $modes; do
  header=(); [ "$mode" = close ] && header=(-H "Connection: close")
  rounds_of "$rounds" "${header[@]}"
  echo "== $mode: median of $rounds rounds (wrk -t$wthreads -c$conns -d${secs}s${header:+ -H 'Connection: close'})"
  declare -A MED=()
  for n in "${names[@]}"; do
    MED[$n]=$(med "$n" 1)
    printf '%-12s %10s req/s  p50 %6s ms  p99 %6s ms  CPU %4s us/req  RSS %4d MiB  rounds (req/s / p99 ms): %s %s\n' \
      "$n" "${MED[$n]}" "$(med "$n" 2)" "$(med "$n" 3)" "$(med "$n" 4)" "$(rss_mib "$n")" "$(rounds_seen "$n")" "$(errors_of "$n")"
  done
  for peer in Starman uWSGI; do
    if [ -n "${MED[$peer]:-}" ]; then
      awk -v a="${MED[uwsgi4j]}" -v b="${MED[$peer]}" -v p="$peer" 'BEGIN {printf "uwsgi4j / %s: %.2fx requests/s\n", p, a / b}'
    fi
  done
done
echo "($procs worker processes each; ${warm}s warm-up each; logs in $log)"
