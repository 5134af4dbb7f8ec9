#!/usr/bin/env bash
# Overload benchmark (issue 14): more clients than a server has cores and queue places.
#
#   bench/wrk-overload.sh [connections] [seconds] [warmup-seconds]
#   defaults:             200           10        10
#
# 1. overload: an app whose page takes 20 ms (bench/apps/slow.py), 4 processes x 4 threads (at
#    most ~800 req/s), wrk -t2 -cN with keep-alive, against uwsgi4j, Debian's real uWSGI
#    (--http-socket, --listen 100 as both default) and gunicorn (gthread, 4 workers x 4 threads),
#    one after the other in one run. Half-way through each run a new client (curl, a new
#    connection) asks once: its status and time are printed. Printed per server: requests/s,
#    p50/p99 (wrk --timeout 10s), non-2xx responses, socket errors (connect/read/write/timeout),
#    the late client, and the listen-queue lines in the server's log.
# 2. post: the same app's POST path (no sleep) with a 4 KiB body, wrk -t2 -c50, uwsgi4j with its
#    default --auto-post-buffering (the body is read whole before the request waits for a core)
#    beside uwsgi4j --auto-post-buffering 0 (streamed, as before) and uWSGI: the cost of reading
#    bodies ahead.
#
# Needs wrk, curl, uwsgi + uwsgi-plugin-python3, gunicorn. Nothing is asserted: benchmarks are
# not tests; on a shared machine the figures are noisy.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
conns="${1:-200}"; secs="${2:-10}"; warm="${3:-10}"
appdir="$root/bench/apps"
for tool in wrk curl; do command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }; done
. "$root/bench/lib.sh" # free_port, wait_port, tree_pids, tree_rss_kb, tree_cpu_ticks, to_ms

log=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; kill -INT "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

serve() { # name port command... : starts a server in the background and waits for its port
  local name=$1 port=$2; shift 2
  "$@" >"$log/$name.log" 2>&1 &
  pids+=($!)
  wait_port "$port" || { echo "bench: $name did not start (log in $log)" >&2; exit 1; }
}
stop_last() { local p=${pids[-1]}; kill -TERM "$p" 2>/dev/null || true; kill -INT "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; unset 'pids[-1]'; }

report() { # name wrk-output late-client-result
  local name=$1 out=$2 late=$3
  local rps p50 p99 non2xx errs lines
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")" 1)
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")" 1)
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  errs=$(awk '/Socket errors/ {sub(/^ +Socket errors: /, ""); print}' <<<"$out"); errs=${errs:-none}
  lines=$(grep -c "listen queue" "$log/$name.log" || true)
  printf '%-22s %8s req/s  p50 %7s ms  p99 %7s ms  non-2xx %6s  socket errors: %s;  late client: %s;  listen-queue lines: %s\n' \
    "$name" "${rps:-0}" "$p50" "$p99" "$non2xx" "$errs" "$late" "$lines"
}

late_client() { # port: one GET on a new connection, half-way through the run
  sleep $((secs / 2))
  curl -s -o /dev/null -m 30 -w '%{http_code} in %{time_total} s' "http://127.0.0.1:$1/late" || echo "no answer in 30 s"
}

overload() { # name port
  wrk -t2 -c"$conns" -d"${warm}s" --timeout 10s "http://127.0.0.1:$2/" >/dev/null 2>&1 || true
  local latef="$log/$1.late"
  late_client "$2" >"$latef" &
  local out; out=$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s --latency "http://127.0.0.1:$2/" 2>&1)
  wait $!
  report "$1" "$out" "$(cat "$latef")"
}

"$root/uwsgi4j" --version >/dev/null # builds the distribution first when the sources are newer
echo "== overload: 20 ms app, 4 processes x 4 threads, wrk -t2 -c$conns -d${secs}s --timeout 10s (${warm}s warm-up each)"
port=$(free_port)
serve uwsgi4j "$port" "$root/uwsgi4j" --http-socket "127.0.0.1:$port" --wsgi-file "$appdir/slow.py" --master --processes 4 --threads 4 \
  --disable-logging
overload uwsgi4j "$port"; stop_last
if command -v uwsgi >/dev/null; then
  port=$(free_port)
  serve uWSGI "$port" uwsgi --plugins python3 --http-socket "127.0.0.1:$port" --wsgi-file "$appdir/slow.py" --master --processes 4 \
    --threads 4 --disable-logging --die-on-term
  overload uWSGI "$port"; stop_last
fi
if command -v gunicorn >/dev/null; then
  port=$(free_port)
  serve gunicorn "$port" gunicorn --workers 4 --threads 4 --bind "127.0.0.1:$port" --chdir "$appdir" slow:application
  overload gunicorn "$port"; stop_last
fi

echo "== post: 4 KiB bodies, no sleep, 2 processes, wrk -t2 -c50 -d${secs}s (${warm}s warm-up each)"
body=$(mktemp --suffix=.lua)
cat >"$body" <<'LUA'
wrk.method = "POST"
wrk.body = string.rep("x", 4096)
wrk.headers["Content-Type"] = "application/octet-stream"
LUA
post() { # name port
  wrk -t2 -c50 -d"${warm}s" -s "$body" "http://127.0.0.1:$2/" >/dev/null 2>&1 || true
  report "$1" "$(wrk -t2 -c50 -d"${secs}s" -s "$body" --latency "http://127.0.0.1:$2/" 2>&1)" "-"
}
port=$(free_port)
serve uwsgi4j-buffered "$port" "$root/uwsgi4j" --http-socket "127.0.0.1:$port" --wsgi-file "$appdir/slow.py" --master --processes 2 \
  --disable-logging
post uwsgi4j-buffered "$port"; stop_last
port=$(free_port)
serve uwsgi4j-streamed "$port" "$root/uwsgi4j" --http-socket "127.0.0.1:$port" --wsgi-file "$appdir/slow.py" --master --processes 2 \
  --disable-logging --auto-post-buffering 0
post uwsgi4j-streamed "$port"; stop_last
if command -v uwsgi >/dev/null; then
  port=$(free_port)
  serve uWSGI-post "$port" uwsgi --plugins python3 --http-socket "127.0.0.1:$port" --wsgi-file "$appdir/slow.py" --master --processes 2 \
    --disable-logging --die-on-term
  post uWSGI-post "$port"; stop_last
fi
echo "(logs in $log)"
