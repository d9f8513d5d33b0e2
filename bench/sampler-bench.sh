#!/usr/bin/env bash
# Benchmark (not a test): the sampler's own CPU cost at N process groups (default 1000) for S seconds (default 30).
# Usage: bench/sampler-bench.sh [groups] [seconds]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -d supervisor/target/test-classes/dev/supervisor/metrics ] || mvn -B -q -DskipTests test-compile
cp="$(cd supervisor && mvn -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)"
exec java -XX:+UseSerialGC -cp "supervisor/target/classes:supervisor/target/test-classes:$cp" \
  dev.supervisor.metrics.SamplerBench "$@"
