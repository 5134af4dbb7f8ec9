#!/usr/bin/env bash
# Clients of two kinds at once, as browsers and first visits, or nginx with fewer kept-alive
# upstream connections than requests in flight, load a server: wrk with kept-alive connections
# and, at the same time, wrk with "Connection: close" (a new connection for every request),
# against uwsgi4j serving the WSGI hello app (examples/python/hello.py). Shows whether each
# kind gets its share: before session 12 the new connections shared one turn per round of all
# the kept-alive ones (bench/README.md, session 12; docs/sockets.md, "Worker pools").
#
#   bench/wrk-mixed.sh [processes] [kept-alive clients] [new-connection clients] [seconds] [warmup-seconds] [rounds]
#   defaults:          2           40                   10                       10        15               3
#   BASELINE=DIR  also runs the uwsgi4j of another checkout as "uwsgi4j@base", alternating with
#                 this one in every round
#
# Needs wrk. Printed per server, the median round of each kind: requests/s, p50 and p99, and
# the requests per connection per second of each kind with their ratio (kept-alive / new; about
# 1.5 when each connection gets its turn: a new connection costs its client the connect). uWSGI
# is not run: its --http-socket closes every connection, so it has no kept-alive clients to
# compare. Nothing is asserted: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; kept="${2:-40}"; fresh="${3:-10}"; secs="${4:-10}"; warm="${5:-15}"; rounds="${6:-3}"
wthreads=2; conns=$((kept + fresh)) # warm_up's wrk
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
. "$root/bench/lib.sh" # servers_init, start, warm_up, to_ms, url …

servers_init
serve() { # NAME ROOT: that checkout's uwsgi4j on a free port
  local port; port=$(free_port)
  "$2/uwsgi4j" --version >/dev/null # builds the distribution first when the sources are newer
  "$2/uwsgi4j" --http-socket "127.0.0.1:$port" --wsgi-file "$root/examples/python/hello.py" --master \
    --processes "$procs" --disable-logging >"$log/$1.log" 2>&1 &
  start "$1" $! "$port"
}
serve uwsgi4j "$root"
[ -z "${BASELINE:-}" ] || serve uwsgi4j@base "$(cd "$BASELINE" && pwd)"
warm_up

one() { # FILE: "req/s p50 p99" of a wrk output
  awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print r, p50, p99}' "$1" \
    | { read -r r p50 p99; echo "$r $(to_ms "$p50") $(to_ms "$p99")"; }
}
declare -A ROWS=()
for r in $(seq "$rounds"); do
  for n in "${names[@]}"; do
    wrk --latency -t1 -c"$kept" -d"${secs}s" "$(url "$n")" >"$log/kept.out" 2>&1 &
    k=$!
    wrk --latency -t1 -c"$fresh" -d"${secs}s" -H 'Connection: close' "$(url "$n")" >"$log/fresh.out" 2>&1
    wait "$k"
    ROWS[$n]+="$(one "$log/kept.out") $(one "$log/fresh.out")"$'\n'
  done
done
echo "== $kept kept-alive and $fresh new-connection clients at once; median of $rounds rounds of ${secs}s (by the kept-alive req/s)"
for n in "${names[@]}"; do
  printf '%s' "${ROWS[$n]}" | sort -n | awk -v n="$n" -v k="$kept" -v f="$fresh" '{a[NR]=$0} END {
    split(a[int((NR+1)/2)], x, " ")
    printf "%-14s kept-alive %9.0f req/s p50 %6.2f p99 %6.2f ms | new connections %8.0f req/s p50 %6.2f p99 %6.2f ms | per connection %.0f / %.0f = %.1fx\n",
      n, x[1], x[2], x[3], x[4], x[5], x[6], x[1] / k, x[4] / f, (x[1] / k) / (x[4] / f)
  }'
done
echo "($procs worker processes; ${warm}s warm-up each; logs in $log)"
