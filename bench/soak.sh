#!/usr/bin/env bash
# Soak (not a test): random reloads and crashes (kill -9 of an instance) under wrk load for N minutes (default 30).
# Prints failed requests and the daemon's open fds, threads and heap after GC at the start and the end.
# Needs wrk (apt-get install wrk). Usage: bench/soak.sh [--minutes N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$root/supervisor/target/supervisor.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
command -v wrk >/dev/null || { echo "soak: wrk is missing (apt-get install wrk)" >&2; exit 2; }
exec /usr/bin/python3 "$root/bench/soak.py" "$@"
