#!/usr/bin/env bash
# The master's resident memory (the JVM alone, workers excluded) of uwsgi4j serving the hello app
# with 2 worker processes: at rest after its start, after 10 s of `wrk -t2 -c50`, and with 2,000
# idle keep-alive connections open (each has had one request answered and waits for its next).
# The issue's targets: 64 MiB after wrk, 80 MiB with the idle connections. Prints the master's
# CPU seconds too, and with NMT=1 the JVM's own account (-XX:NativeMemoryTracking=summary).
#
#   bench/master-rss.sh [rounds (1)]
#   BASELINE=DIR         also measures the uwsgi4j of another checkout, alternating
#   UWSGI4J_JAVA_OPTS=…  JVM flags to try (passed to both)
#
# Needs wrk and python3; the file descriptor limit must allow 2,000 connections (ulimit -n).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/lib.sh"
rounds="${1:-1}"
app="$root/examples/python/hello.py"
. "$root/dist/src/main/dist/bin/find-java.sh"; uwsgi4j_find_java
"$root/uwsgi4j" --version >/dev/null          # build first, and make the AOT cache, outside the measure
[ -z "${BASELINE:-}" ] || "$BASELINE/uwsgi4j" --version >/dev/null

rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
cpu_s() { sed 's/^.*) //' "/proc/$1/stat" | awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($12+$13)/t}'; } # after the command name

measure() { # NAME DIR: one round
  local name="$1" dir="$2" port pid idle
  port=$(free_port)
  local nmt=(); [ "${NMT:-0}" = 0 ] || nmt=(-XX:NativeMemoryTracking=summary)
  UWSGI4J_JAVA_OPTS="${UWSGI4J_JAVA_OPTS:-} ${nmt[*]}" "$dir/uwsgi4j" --http-socket "127.0.0.1:$port" --wsgi-file "$app" \
      --master --processes 2 --disable-logging --listen 4096 >/dev/null 2>&1 &
  pid=$!
  wait_port "$port"
  sleep 2   # the start's last steps (the drop-in watch) and the first trim of the C heap
  local rest; rest="$(rss_mib "$pid") MiB ($(cpu_s "$pid") s CPU)"
  wrk -t2 -c50 -d10s "http://127.0.0.1:$port/" >/dev/null
  sleep 2.5 # one -XX:TrimNativeHeapInterval period
  local after; after="$(rss_mib "$pid") MiB ($(cpu_s "$pid") s CPU)"
  python3 - "$port" 2000 <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
conns = []
for _ in range(n):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    conns.append(c)
for c in conns:
    data = b""
    while b"Hello" not in data:
        data += c.recv(4096)
time.sleep(3600)
PY
  idle=$!
  while [ "$(ls /proc/$pid/fd | wc -l)" -lt 2000 ]; do sleep 0.2; done
  sleep 2.5
  local open; open="$(rss_mib "$pid") MiB"
  if [ "${NMT:-0}" != 0 ]; then "${JAVA%/java}/jcmd" "$pid" VM.native_memory summary | grep -E "^-|committed=" | grep -E "Total|Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol|Arena|Metaspace" | head -16; fi
  kill "$idle"; wait "$idle" 2>/dev/null || true
  kill -INT "$pid"; wait "$pid" || true
  printf '%-12s at rest %s; after 10 s of wrk %s; with 2,000 idle keep-alive connections %s\n' "$name" "$rest" "$after" "$open"
}

for _ in $(seq "$rounds"); do
  measure uwsgi4j "$root"
  [ -z "${BASELINE:-}" ] || measure uwsgi4j@base "$BASELINE"
done
