# Helpers shared by the wrk scripts in bench/ (sourced: `. "$root/bench/lib.sh"`).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() { # PORT: true once it accepts (tried for up to 30 s)
  for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; return 1
}

tree_pids() { # process $1 and all its descendants
  local pids="$1" frontier="$1" next
  while [ -n "$frontier" ]; do
    next=$(for p in $frontier; do pgrep -P "$p" || true; done | tr '\n' ' ')
    pids="$pids $next"; frontier="${next// /}"; [ -z "$frontier" ] || frontier="$next"
  done
  echo $pids
}

tree_rss_kb() { # the RSS of process $1 and all its descendants, in KiB
  ps -o rss= -p "$(tree_pids "$1" | tr ' ' ',')" 2>/dev/null | awk '{s+=$1} END {print s+0}'
}

tree_cpu_ticks() { # user+system clock ticks of process $1 and its descendants (threads included)
  local s=0 t
  for p in $(tree_pids "$1"); do t=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || true); s=$((s + ${t:-0})); done
  echo "$s"
}

to_ms() { # a wrk duration (850.00us, 2.31ms, 1.20s) in milliseconds, with $2 decimals (default 2)
  awk -v d="${2:-2}" '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%." d "f", v}' <<<"$1"
}
