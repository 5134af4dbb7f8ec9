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
. "$root/bench/lib.sh" # servers_init, start, warm_up, rounds_of, measure, med …

servers_init
work="$log"
mkdir -p "$work/www" "$work/nginx/logs"
chmod 755 "$work" "$work/www"   # nginx workers run as another user when started by root
head -c 10240 /dev/urandom | base64 -w 76 | head -c 10240 > "$work/www/file.txt"; chmod 644 "$work/www/file.txt"   # 10 KiB of text
app="$root/examples/python/hello.py"

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
done
warm_up

for mode in keepalive close; do
  header=(); [ "$mode" = close ] && header=(-H "Connection: close")
  rounds_of "$rounds" "${header[@]}"
  echo "== $mode: median of $rounds rounds (wrk -t$wthreads -c$conns -d${secs}s${header:+ -H 'Connection: close'}), 10 KiB file"
  declare -A MED=()
  for n in "${names[@]}"; do
    MED[$n]=$(med "$n" 1)
    printf '%-8s %10s req/s  p50 %6s ms  p99 %6s ms  CPU %4s us/req  RSS %4d MiB  %s\n' \
      "$n" "${MED[$n]}" "$(med "$n" 2)" "$(med "$n" 3)" "$(med "$n" 4)" "$(rss_mib "$n")" "$(errors_of "$n")"
  done
  for peer in nginx uWSGI; do
    if [ -n "${MED[$peer]:-}" ]; then
      awk -v a="${MED[uwsgi4j]}" -v b="${MED[$peer]}" -v p="$peer" 'BEGIN {printf "uwsgi4j / %s: %.2fx requests/s\n", p, a / b}'
    fi
  done
done
echo "(${warm}s warm-up each; logs in $work)"
