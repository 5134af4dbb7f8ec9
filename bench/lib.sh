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
  # fields 14 and 15 of /proc/PID/stat, counted after the command name, which may hold spaces
  # (Starman's processes are "starman master" and "starman worker")
  for p in $(tree_pids "$1"); do t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12+$13}' || true); s=$((s + ${t:-0})); done
  echo "$s"
}

to_ms() { # a wrk duration (850.00us, 2.31ms, 1.20s) in milliseconds, with $2 decimals (default 2)
  awk -v d="${2:-2}" '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%." d "f", v}' <<<"$1"
}

# ---- the servers under test and their rounds (wrk-hello, -psgi, -rack, -router, -static) ----
# A script calls servers_init, starts each server in the background and names it with
# `start NAME $! PORT`, then warm_up, then measures with rounds_of or measure. It sets
# wthreads, conns, secs and warm (its arguments) before; url NAME is the URL wrk asks for (the
# server's / unless the script defines its own after sourcing this file).

servers_init() { # [DIR]: the servers' logs go to DIR (default: a new temp dir), in $log; stopped on exit
  log="${1:-$(mktemp -d)}"
  declare -gA PORT=() PID=() ROWS=()
  names=()
  trap servers_stop EXIT
}

start() { # NAME PID PORT: a server started in the background, awaited until PORT accepts
  names+=("$1"); PID[$1]=$2; PORT[$1]=$3
  wait_port "$3" || { echo "bench: $1 did not start (logs in $log)" >&2; exit 1; }
}

servers_stop() { for n in "${names[@]}"; do kill -TERM "${PID[$n]}" 2>/dev/null || true; kill -INT "${PID[$n]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }

url() { echo "http://127.0.0.1:${PORT[$1]}/"; }

warm_up() { # each server in turn gets wrk for $warm seconds, unmeasured (the JVM's JIT needs 10-15 s)
  for n in "${names[@]}"; do wrk -t"$wthreads" -c"$conns" -d"${warm}s" "$(url "$n")" >/dev/null 2>&1 || true; done
}

measure() { # NAME [wrk args…]: one wrk run of $secs s; prints "req/s p50 p99 CPU-us/req mean max errors…"
  local n="$1" before after out reqs cpu rps p50 p99 mean max errs
  shift
  before=$(tree_cpu_ticks "${PID[$n]}")
  out=$(wrk "$@" --latency -t"$wthreads" -c"$conns" -d"${secs}s" "$(url "$n")" 2>&1)
  after=$(tree_cpu_ticks "${PID[$n]}")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$((after - before)) -v r="${reqs:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", (r > 0 ? t * 1e6 / hz / r : 0)}')
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out"); [ -n "$rps" ] || { echo "bench: wrk failed against $n:" >&2; echo "$out" >&2; rps=0; }
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  mean=$(to_ms "$(awk '$1=="Latency" {print $2; exit}' <<<"$out")")
  max=$(to_ms "$(awk '$1=="Latency" {print $4; exit}' <<<"$out")")
  errs=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s; ", $0}' <<<"$out")
  echo "$rps $p50 $p99 $cpu $mean $max ${errs:-no errors}"
}

rounds_of() { # ROUNDS [wrk args…]: every server measured in turn, ROUNDS times; ROWS[NAME] gets one measure line per round
  local r n
  ROWS=()
  for r in $(seq "$1"); do
    for n in "${names[@]}"; do ROWS[$n]+="$(measure "$n" "${@:2}")"$'\n'; done
  done
}

med() { # NAME COLUMN: the median over ROWS[NAME]'s rounds of that measure column (1 req/s … 6 max)
  printf '%s' "${ROWS[$1]}" | awk -v c="$2" '{print $c}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

errors_of() { printf '%s' "${ROWS[$1]}" | head -1 | cut -d' ' -f7-; } # NAME: the errors of its first round

rounds_seen() { printf '%s' "${ROWS[$1]}" | awk '{printf "%s/%s ", $1, $3}'; } # NAME: each round's "req/s/p99"

rss_mib() { echo $(( $(tree_rss_kb "${PID[$1]}") / 1024 )); } # NAME: the RSS of all its processes
