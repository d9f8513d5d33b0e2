#!/usr/bin/env bash
# The example worker: no port, just a heartbeat on stdout. Stops cleanly on SIGINT/SIGTERM.
trap 'echo "worker ${SUPERVISOR_INSTANCE:-0} stopping"; exit 0' INT TERM
echo "worker ${SUPERVISOR_INSTANCE:-0} started, pid $$"
n=0
while true; do
  n=$((n + 1))
  echo "worker ${SUPERVISOR_INSTANCE:-0} tick $n"
  sleep 1 &
  wait $!
done
