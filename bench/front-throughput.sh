#!/usr/bin/env bash
# Throughput and latency of the HTTP front next to nginx and to the backend alone, under wrk with keep-alive
# connections, in interleaved rounds (the load generator shares the CPUs: compare medians, within one run).
# Also prints the CPU time each proxy spent per request, the figure that decides throughput on a small machine.
#
# usage: bench/front-throughput.sh [rounds=3] [duration=5s] [connections=32]
# env:   BACKEND_PORT FRONT_PORT NGINX_PORT (defaults 18181-18183), MVN_FLAGS (default -o), JAVA_OPTS (front JVM)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
duration=${2:-5s}
connections=${3:-32}
backend_port=${BACKEND_PORT:-18181}
front_port=${FRONT_PORT:-18182}
nginx_port=${NGINX_PORT:-18183}

work=$(mktemp -d)
pids=()
cleanup() {
    if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }

mvn -B ${MVN_FLAGS--o} -q -pl supervisor -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test
cp="supervisor/target/classes:supervisor/target/test-classes:$(cat "$work/cp.txt")"

java -cp "$cp" dev.supervisor.front.FrontBenchMain backend "$backend_port" >"$work/backend.log" 2>&1 &
pids+=($!); backend_pid=$!
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$cp" dev.supervisor.front.FrontBenchMain front "$front_port" "$backend_port" \
    >"$work/front.log" 2>&1 &
pids+=($!); front_pid=$!

targets="direct:$backend_port:$backend_pid front:$front_port:$front_pid"
if command -v nginx >/dev/null; then
    cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$backend_port; keepalive 128; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host;
    }
  }
}
CONF
    nginx -e "$work/error.log" -c "$work/nginx.conf" -p "$work"
fi

wait_for() {
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$1/" >/dev/null && return 0
        sleep 0.1
    done
    echo "nothing answers on port $1" >&2; exit 1
}
wait_for "$backend_port"; wait_for "$front_port"
if [ -f "$work/nginx.pid" ]; then
    wait_for "$nginx_port"
    nginx_workers=$(pgrep -P "$(cat "$work/nginx.pid")" | paste -sd, -)
    targets="$targets nginx:$nginx_port:$nginx_workers"
fi

cpu_ticks() { # user+system ticks of the given processes (comma-separated), all threads
    local total=0 pid
    for pid in ${1//,/ }; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$total"
}

echo "warming up (JIT)..."
wrk -t2 -c"$connections" -d15s "http://127.0.0.1:$front_port/" >/dev/null
[ -f "$work/nginx.pid" ] && wrk -t2 -c"$connections" -d3s "http://127.0.0.1:$nginx_port/" >/dev/null

hz=$(getconf CLK_TCK)
for round in $(seq "$rounds"); do
    for target in $targets; do
        IFS=: read -r name port procs <<<"$target"
        before=$(cpu_ticks "$procs")
        out=$(wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port/")
        after=$(cpu_ticks "$procs")
        echo "$out" | awk -v name="$name" -v round="$round" -v ticks=$((after - before)) -v hz="$hz" '
            /requests in/ { requests = $1 }
            /Requests\/sec/ { rps = $2 }
            $1 == "50%" { p50 = $2 }
            $1 == "99%" { p99 = $2 }
            /Non-2xx|Socket errors/ { errors = errors " " $0 }
            END { printf "round %d %-6s %9.0f req/s  p50 %-8s p99 %-8s cpu/req %5.1f us%s\n",
                  round, name, rps, p50, p99, ticks * 1e6 / hz / requests, errors }'
    done
done | tee "$work/rounds.txt"

echo "medians:"
for target in $targets; do
    name=${target%%:*}
    rps=$(awk -v name="$name" '$3 == name { print $4 }' "$work/rounds.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    cpu=$(awk -v name="$name" '$3 == name { print $11 }' "$work/rounds.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    printf "  %-6s %9s req/s  cpu/req %s us\n" "$name" "$rps" "$cpu"
done
