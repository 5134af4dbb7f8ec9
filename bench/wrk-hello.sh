#!/usr/bin/env bash
# End-to-end benchmark: wrk against uwsgi4j and against Debian's real uWSGI, both serving the
# same WSGI hello app (examples/python/hello.py) on an HTTP socket with the same workers.
#
#   bench/wrk-hello.sh [processes] [threads-of-wrk] [connections] [seconds] [warmup-seconds]
#   defaults:          2           2                50            15        15
#
# Needs: wrk, uwsgi + uwsgi-plugin-python3 (apt-get install wrk uwsgi uwsgi-plugin-python3).
# Prints one line per server: requests/s, mean latency, non-2xx/errors. Nothing is asserted.
# The JVM needs its warm-up (C2 takes 10-15 s on 2 cores): the warm-up run is not counted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
procs="${1:-2}"; wthreads="${2:-2}"; conns="${3:-50}"; secs="${4:-15}"; warm="${5:-15}"
app="$root/examples/python/hello.py"
for tool in wrk uwsgi; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk uwsgi uwsgi-plugin-python3)" >&2; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

measure() { # name port
  wrk -t"$wthreads" -c"$conns" -d"${warm}s" "http://127.0.0.1:$2/" >/dev/null 2>&1 || true
  local out; out=$(wrk -t"$wthreads" -c"$conns" -d"${secs}s" "http://127.0.0.1:$2/" 2>&1)
  local rps lat errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  lat=$(awk '/Latency/ {print $2; exit}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s; ", $0}' <<<"$out")
  printf '%-10s %10s req/s   latency %8s   %s\n' "$1" "$rps" "$lat" "${errs:-no errors}"
}

log=$(mktemp -d)
port=$(free_port)
"$root/uwsgi4j" --http-socket "127.0.0.1:$port" --wsgi-file "$app" --master --processes "$procs" --disable-logging >"$log/uwsgi4j.log" 2>&1 &
pid=$!
wait_port "$port"
measure uwsgi4j "$port"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true

port=$(free_port)
uwsgi --plugins python3 --http-socket "127.0.0.1:$port" --wsgi-file "$app" --master --processes "$procs" --disable-logging >"$log/uwsgi.log" 2>&1 &
pid=$!
wait_port "$port"
measure uWSGI "$port"
kill -INT "$pid"; wait "$pid" 2>/dev/null || true
echo "(wrk -t$wthreads -c$conns -d${secs}s after a ${warm}s warm-up; $procs workers each; logs in $log)"
