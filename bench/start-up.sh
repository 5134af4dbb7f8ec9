#!/usr/bin/env bash
# Start-up benchmark: from exec of the server to its first answered request (the hello app,
# 2 worker processes, --http-socket on a free loopback port), for uwsgi4j (`./uwsgi4j`, already
# built: this script builds it first, outside the clock) and Debian's real uWSGI, alternating,
# N starts each; prints each start (seconds to the first 200, and the CPU seconds the server's
# main process had used by then, which travels between machines better than the wall clock)
# and the medians, and what uwsgi4j's own ready line said.
#
#   bench/start-up.sh [starts (5)]
#   BASELINE=DIR  also starts the uwsgi4j of another checkout (e.g. a worktree of an older commit)
#
# A Python driver takes the clock just before it starts the server (no shell or interpreter
# start-up inside the measurement) and polls with a raw HTTP/1.0 GET every 3 ms.
# Needs python3; uses uwsgi + uwsgi-plugin-python3 when present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
starts="${1:-5}"
app="$root/examples/python/hello.py"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

"$root/uwsgi4j" --version >/dev/null          # build first, and make the AOT cache, outside the clock
[ -z "${BASELINE:-}" ] || "$BASELINE/uwsgi4j" --version >/dev/null

run() { # NAME COMMAND...: one start; appends "seconds cpu" to $work/NAME.times
  local name="$1"; shift
  python3 - "$work/$name.log" "$app" "$@" >>"$work/$name.times" <<'PY'
import os, socket, subprocess, sys, time
log, app, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
out = open(log, "w")
t0 = time.monotonic()
p = subprocess.Popen(cmd + ["--http-socket", "127.0.0.1:%d" % port, "--wsgi-file", app, "--master",
                            "--processes", "2", "--disable-logging"], stdout=out, stderr=subprocess.STDOUT)
while True:
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=2)
        c.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n"); d = c.recv(64); c.close()
        if b" 200 " in d[:16]:
            break
    except OSError:
        pass
    if time.monotonic() - t0 > 60 or p.poll() is not None:
        print("failed 0"); p.kill(); sys.exit(0)
    time.sleep(0.003)
secs = time.monotonic() - t0
stat = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
print("%.3f %.2f" % (secs, cpu))
p.send_signal(2)
try:
    p.wait(30)
except subprocess.TimeoutExpired:
    p.kill()
PY
  local said; said=$(grep -o 'ready in [0-9]* ms' "$work/$name.log" | head -1 || true)
  printf '%-14s %ss to the first 200, %ss CPU%s\n' "$name" $(tail -1 "$work/$name.times") "${said:+  (its log: $said)}"
}

for _ in $(seq "$starts"); do
  run uwsgi4j "$root/uwsgi4j"
  [ -z "${BASELINE:-}" ] || run uwsgi4j@base "$BASELINE/uwsgi4j"
  if command -v uwsgi >/dev/null; then run uWSGI uwsgi --plugins python3; fi
done
echo
for f in "$work"/*.times; do
  sort -n "$f" | awk -v n="$(basename "$f" .times)" '{s[NR]=$1; c[NR]=$2} END {m=int((NR+1)/2); printf "%-14s median %.3f s to the first 200 (%d starts); CPU %.2f s\n", n, s[m], NR, c[m]}'
done
