#!/usr/bin/env bash
# A/B of the daemon's AppCDS archive (cli/DaemonArchive): two homes side by side, A with its archive, B with the
# archive removed and marked failed (so it is never made again there). Prints, per round, the daemon's CPU until it
# answers ('ping' starting it; A and B alternate who starts first) and, with 5 idle /bin/sleep apps, its RSS 25 s
# after the start, console off then on. Usage: bench/daemon-archive-ab.sh [rounds] [base port, 100 ports used]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
S="$root/bin/supervisor"
rounds=${1:-3}
base=${2:-32100}
scratch="${TMPDIR:-/tmp}/daemon-archive-ab.$$"
mkdir -p "$scratch"
cat > "$scratch/five.yml" <<'Y'
apps:
  - {name: s1, script: /bin/sleep, args: ["100000"]}
  - {name: s2, script: /bin/sleep, args: ["100000"]}
  - {name: s3, script: /bin/sleep, args: ["100000"]}
  - {name: s4, script: /bin/sleep, args: ["100000"]}
  - {name: s5, script: /bin/sleep, args: ["100000"]}
Y
run() { # run A|B console command...
  local v=$1 cons=$2; shift 2
  local off=0; [ "$v" = B ] && off=50
  env SUPERVISOR_HOME="$scratch/h$v" SUPERVISOR_JOLOKIA_PORT=$((base + off + 1)) SUPERVISOR_CONSOLE_PORT=$((base + off + 2)) \
    SUPERVISOR_METRICS_PORT=$((base + off + 3)) SUPERVISOR_CONSOLE_ENABLED="$cons" "$S" "$@" >/dev/null 2>&1
}
pid() { cat "$scratch/h$1/supervisor.pid"; }
# Prime: both make their snapshot; A waits for its archive, B's is removed and marked failed.
for v in A B; do run $v false ping; done
for i in $(seq 300); do ls "$scratch"/hA/runtime/*/daemon-*.jsa >/dev/null 2>&1 && ls "$scratch"/hB/runtime/*/daemon-*.jsa >/dev/null 2>&1 && break; sleep 1; done
for v in A B; do run $v false kill; done
for f in "$scratch"/hB/runtime/*/daemon-*.jsa; do rm -f "$f"; : > "$f.failed"; done
echo "# start: daemon CPU until it answers"
for r in $(seq "$rounds"); do
  order="A B"; [ $((r % 2)) = 0 ] && order="B A"
  for v in $order; do
    t0=$(date +%s%N); run $v false ping; t1=$(date +%s%N)
    echo "round $r $v: $(awk '{print ($14+$15)*10}' /proc/$(pid $v)/stat) ms CPU, ping $(( (t1 - t0) / 1000000 )) ms wall, load $(cut -d' ' -f1 /proc/loadavg)"
    run $v false kill
  done
done
for cons in false true; do
  echo "# idle RSS with 5 apps, console_enabled=$cons, 25 s after the start"
  for r in $(seq "$rounds"); do
    for v in A B; do run $v $cons ping; run $v $cons start "$scratch/five.yml"; done
    sleep 25
    for v in A B; do
      echo "round $r $v: $(grep -E 'VmRSS|RssAnon|RssFile|Threads' /proc/$(pid $v)/status | tr -s ' \t' ' ' | tr '\n' ' ')"
    done
    for v in A B; do run $v $cons kill; done
  done
done
rm -rf "$scratch"
