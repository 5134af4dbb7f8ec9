#!/usr/bin/env bash
# End-to-end benchmark of static files: wrk asks uwsgi4j (--static-map, served by the kernel
# without a worker), Debian's nginx and Debian's real uWSGI (--static-map) for the same ~10 KB
# file on loopback, keep-alive (wrk's default) and "Connection: close".
#
#   bench/wrk-static.sh [wrk-threads] [connections] [seconds] [warmup-seconds] [rounds]
#   defaults:           2             50            10        10               3
#
# Needs wrk and nginx (apt-get install wrk nginx-light); uses uwsgi + uwsgi-plugin-python3 when
# present. uwsgi4j and uWSGI run one worker process with the hello app (it never sees a static
# request); nginx runs one worker process. After a warm-up each server is measured in turn,
# round after round; the median round is printed: requests/s, p50 and p99 latency, errors,
# the CPU time all its processes used per request (user + system, from /proc), and the RSS of
# all its processes. Nothing is asserted: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wthreads="${1:-2}"; conns="${2:-50}"; secs="${3:-10}"; warm="${4:-10}"; rounds="${5:-3}"
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
[ -x /usr/sbin/nginx ] || { echo "bench: nginx is missing (apt-get install nginx-light)" >&2; exit 1; }
. "$root/bench/lib.sh" # free_port, wait_port, tree_pids, tree_rss_kb, tree_cpu_ticks, to_ms

work=$(mktemp -d)
mkdir -p "$work/www" "$work/nginx/logs"
chmod 755 "$work" "$work/www"   # nginx workers run as another user when started by root
head -c 10240 /dev/urandom | base64 -w 76 | head -c 10240 > "$work/www/file.txt"; chmod 644 "$work/www/file.txt"   # 10 KiB of text
app="$root/examples/python/hello.py"
declare -A PORT PID
names=()
start() { # name pid port
  names+=("$1"); PID[$1]=$2; PORT[$1]=$3
  wait_port "$3" || { echo "bench: $1 did not start (logs in $work)" >&2; exit 1; }
}
cleanup() { for n in "${names[@]}"; do kill -TERM "${PID[$n]}" 2>/dev/null || true; kill -INT "${PID[$n]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$root/uwsgi4j" --version >/dev/null # builds the distribution first when the sources are newer
port=$(free_port)
"$root/uwsgi4j" --http-socket "127.0.0.1:$port" --wsgi-file "$app" --static-map "/static=$work/www" --disable-logging \
  >"$work/uwsgi4j.log" 2>&1 &
start uwsgi4j $! "$port"
port=$(free_port)
cat > "$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  sendfile on;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  server { listen 127.0.0.1:$port; location /static/ { alias $work/www/; } }
}
CONF
/usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx.log" 2>&1 &
start nginx $! "$port"
if command -v uwsgi >/dev/null; then
  port=$(free_port)
  uwsgi --plugins python3 --http-socket "127.0.0.1:$port" --wsgi-file "$app" --static-map "/static=$work/www" \
    --disable-logging --die-on-term >"$work/uwsgi.log" 2>&1 &
  start uWSGI $! "$port"
fi
url() { echo "http://127.0.0.1:${PORT[$1]}/static/file.txt"; }
for n in "${names[@]}"; do
  [ "$(curl -s "$(url "$n")" | cksum)" = "$(cksum < "$work/www/file.txt")" ] || { echo "bench: $n does not serve the file" >&2; exit 1; }
  wrk -t"$wthreads" -c"$conns" -d"${warm}s" "$(url "$n")" >/dev/null 2>&1 || true
done

for mode in keepalive close; do
  header=(); [ "$mode" = close ] && header=(-H "Connection: close")
  declare -A ROWS=()
  for r in $(seq "$rounds"); do
    for n in "${names[@]}"; do
      before=$(tree_cpu_ticks "${PID[$n]}")
      out=$(wrk "${header[@]}" --latency -t"$wthreads" -c"$conns" -d"${secs}s" "$(url "$n")" 2>&1)
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
  echo "== $mode: median of $rounds rounds (wrk -t$wthreads -c$conns -d${secs}s${header:+ -H 'Connection: close'}), 10 KiB file"
  declare -A MED=()
  for n in "${names[@]}"; do
    med() { printf '%s' "${ROWS[$n]}" | awk -v c="$1" '{print $c}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    rps=$(med 1); MED[$n]=$rps
    errs=$(printf '%s' "${ROWS[$n]}" | head -1 | cut -d' ' -f5-)
    printf '%-8s %10s req/s  p50 %6s ms  p99 %6s ms  CPU %4s us/req  RSS %4d MiB  %s\n' \
      "$n" "$rps" "$(med 2)" "$(med 3)" "$(med 4)" $(( $(tree_rss_kb "${PID[$n]}") / 1024 )) "$errs"
  done
  for peer in nginx uWSGI; do
    if [ -n "${MED[$peer]:-}" ]; then
      awk -v a="${MED[uwsgi4j]}" -v b="${MED[$peer]}" -v p="$peer" 'BEGIN {printf "uwsgi4j / %s: %.2fx requests/s\n", p, a / b}'
    fi
  done
done
echo "(${warm}s warm-up each; logs in $work)"
