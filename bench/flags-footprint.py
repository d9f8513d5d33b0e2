#!/usr/bin/env python3
"""Idle RSS of daemons side by side, one per set of JVM flags: 5 idle apps, the console on, 12 s after it is up.

Usage: bench/flags-footprint.py [--rounds=3] NAME=FLAGS ...  (FLAGS: a whole SUPERVISOR_DAEMON_OPTS line)
"""
import os, sys, time
args = sys.argv[1:]
sys.argv = [sys.argv[0]]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import perf as P


def main():
    rounds, variants = 3, {}
    for a in args:
        if a.startswith("--rounds="):
            rounds = int(a.split("=")[1])
        else:
            name, opts = a.split("=", 1)
            variants[name] = opts
    res = {k: [] for k in variants}
    for _ in range(rounds):
        daemons = {}
        for k, opts in variants.items():
            d = P.Daemon(console=True, opts=opts)
            d.start_sleepers(5)
            daemons[k] = d
        for d in daemons.values():
            deadline = time.time() + 60
            while time.time() < deadline and "up at" not in d.cli("console", check=False):
                time.sleep(0.5)
        time.sleep(12)
        for k, d in daemons.items():
            res[k].append(round(P.proc_status(d.pid())["rss_mib"]))
            d.kill()
    for k, v in res.items():
        print(f"| {k} | {' / '.join(map(str, v))} MiB |")


if __name__ == "__main__":
    main()
