#!/usr/bin/env bash
# Issue 11's figures beside pm2 7.0.4 (installed by this script into a temporary folder with npm), one table.
# Needs wrk, hyperfine, nginx (apt-get install wrk hyperfine nginx), node/npm, python3. About 15 minutes.
# Usage: bench/perf.sh [--quick] [--surge] [--only=cli,footprint,scale,logs,reload,crash,front]
#        --surge: the reload section also measures `reload --surge` of 2 and 4 instances
#        PERF_APPS=1000 (apps in the scale section), PM2_SCALE=200 (pm2's apps there)
# Targets 127.0.0.1 only; stops by itself; stops every daemon, pm2 and nginx it started.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f "$root/supervisor/target/supervisor.jar" ] || [ ! -d "$root/supervisor/target/test-classes" ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
exec /usr/bin/python3 "$root/bench/perf.py" "$@"
