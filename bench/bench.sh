#!/usr/bin/env bash
# Benchmarks (not tests): reload under load, front throughput against baselines, readiness detection.
# Prints one table. Needs wrk (apt-get install wrk); nginx and pm2 are optional baselines.
# Usage: bench/bench.sh [--quick]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$root/supervisor/target/supervisor.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 2; }
exec /usr/bin/python3 "$root/bench/bench.py" "$@"
