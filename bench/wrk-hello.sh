#!/usr/bin/env bash
# End-to-end benchmark: wrk against uwsgi4j, Debian's real uWSGI and gunicorn (each when
# installed), all serving the same WSGI hello app (examples/python/hello.py) on loopback with
# the same number of worker processes.
#
#   bench/wrk-hello.sh [processes] [wrk-threads] [connections] [seconds] [warmup-seconds]
#   defaults:          2           2             50            15        15
#
# Needs wrk; uses uwsgi + uwsgi-plugin-python3 and gunicorn when present
# (apt-get install wrk uwsgi uwsgi-plugin-python3 gunicorn). For each server it prints
# requests/s, p50 and p99 latency, errors, and the total RSS of all its processes at the end of
# the run; then uwsgi4j's ratio to each peer. Nothing is asserted: benchmarks are not tests.
# The warm-up run (not counted) gives the JVM's JIT its 10-15 s.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; wthreads="${2:-2}"; conns="${3:-50}"; secs="${4:-15}"; warm="${5:-15}"
appdir="$root/examples/python"
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 400); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
tree_rss_kb() { # the RSS of process $1 and all its descendants, in KiB
  local pids="$1" frontier="$1" next
  while [ -n "$frontier" ]; do
    next=$(for p in $frontier; do pgrep -P "$p" || true; done | tr '\n' ' ')
    pids="$pids $next"; frontier="${next// /}"; [ -z "$frontier" ] || frontier="$next"
  done
  ps -o rss= -p "$(echo $pids | tr ' ' ',')" 2>/dev/null | awk '{s+=$1} END {print s+0}'
}
declare -A RPS
measure() { # name port pid
  wrk -t"$wthreads" -c"$conns" -d"${warm}s" "http://127.0.0.1:$2/" >/dev/null 2>&1 || true
  local out; out=$(wrk --latency -t"$wthreads" -c"$conns" -d"${secs}s" "http://127.0.0.1:$2/" 2>&1)
  local rss; rss=$(tree_rss_kb "$3")
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s; ", $0}' <<<"$out")
  RPS[$1]=$rps
  printf '%-9s %10s req/s  p50 %8s  p99 %8s  RSS %6d MiB  %s\n' "$1" "$rps" "$p50" "$p99" $((rss / 1024)) "${errs:-no errors}"
}
stop() { kill -"$2" "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

log=$(mktemp -d)
port=$(free_port)
"$root/uwsgi4j" --http-socket "127.0.0.1:$port" --wsgi-file "$appdir/hello.py" --master --processes "$procs" --disable-logging \
  >"$log/uwsgi4j.log" 2>&1 &
pid=$!; wait_port "$port"; measure uwsgi4j "$port" "$pid"; stop "$pid" TERM

if command -v uwsgi >/dev/null; then
  port=$(free_port)
  uwsgi --plugins python3 --http-socket "127.0.0.1:$port" --wsgi-file "$appdir/hello.py" --master --processes "$procs" \
    --disable-logging >"$log/uwsgi.log" 2>&1 &
  pid=$!; wait_port "$port"; measure uWSGI "$port" "$pid"; stop "$pid" INT
fi
if command -v gunicorn >/dev/null; then
  port=$(free_port)
  gunicorn --workers "$procs" --bind "127.0.0.1:$port" --chdir "$appdir" hello:application >"$log/gunicorn.log" 2>&1 &
  pid=$!; wait_port "$port"; measure gunicorn "$port" "$pid"; stop "$pid" TERM
fi
for peer in uWSGI gunicorn; do
  if [ -n "${RPS[$peer]:-}" ]; then
    awk -v a="${RPS[uwsgi4j]}" -v b="${RPS[$peer]}" -v p="$peer" 'BEGIN {printf "uwsgi4j / %s: %.2fx requests/s\n", p, a / b}'
  fi
done
echo "(wrk -t$wthreads -c$conns -d${secs}s after a ${warm}s warm-up; $procs worker processes each; logs in $log)"
