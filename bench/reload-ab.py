#!/usr/bin/env python3
"""Interleaved A/B of reloads under wrk -c32 (examples/hello behind the front), variants in one run (A B A B ...).

Usage: bench/reload-ab.py [--rounds=3] [--instances=2,4] [--batch] NAME=ROOT[::VAR=VALUE,...] ...
  e.g. bench/reload-ab.py base=/tmp/base "nice0=.::SUPERVISOR_RELOAD_NICE=0" "nice10=.::SUPERVISOR_RELOAD_NICE=10"
ROOT is a built checkout (its bin/supervisor and examples/target/hello.jar); the variables go to its daemon.
Each reload: 5 s warm-up, 8 s steady p99, then `reload hello --surge` (--batch: the default mode) 8 s into a
20 s wrk run (perf.py's figure). --window: 4 s warm-up, 4 s steady, then the reload 0.3 s into a 4 s run, so that
the p99 is that of the reload's own window. Prints each run, then per variant the medians of wall (CLI end to end), the pipeline's switch time
and slowest start (when the build reports them), and p99 during / steady.
"""
import os, statistics, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as B  # noqa: E402

ROUNDS = int(next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--rounds=")), "3"))
SIZES = [int(x) for x in next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--instances=")), "2,4").split(",")]
SURGE = "--batch" not in sys.argv


class Daemon(B.Daemon):
    def __init__(self, root, env):
        super().__init__()
        self.root = os.path.abspath(root)
        self.env.update(env)

    def cli(self, *args, check=True):
        r = subprocess.run([os.path.join(self.root, "bin/supervisor"), *args], env=self.env, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise SystemExit(f"reload-ab: supervisor {' '.join(args)} failed: {r.stdout}{r.stderr}")
        return r.stdout

    def start_hello(self, port, instances):
        app = {"name": "hello", "script": os.path.join(self.root, "examples/target/hello.jar"),
               "interpreter_args": "-XX:+UseSerialGC -jar", "port": port, "instances": instances,
               "listen_timeout": "20s", "kill_timeout": "3s"}
        f = os.path.join(self.home, "apps.json")
        with open(f, "w") as fh:
            B.json.dump({"apps": [app]}, fh)
        self.cli("start", f)


WINDOW = "--window" in sys.argv  # p99 of 4 s with the reload in it vs the 4 s just before (less drift, stricter)


def one(root, env, n):
    d = Daemon(root, env)
    try:
        port = B.free_port()
        d.start_hello(port, n)
        url = f"http://127.0.0.1:{port}/"
        B.wrk(url, 4 if WINDOW else 5)
        steady = B.wrk(url, 4 if WINDOW else 8)
        proc = subprocess.Popen(["wrk", "-t2", "-c32", f"-d{4 if WINDOW else 20}s", "--latency", url],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(0.3 if WINDOW else 8)
        t0 = time.time()
        out = d.cli("reload", "hello", *(["--surge"] if SURGE else []))
        wall = (time.time() - t0) * 1000
        r = B.parse_wrk(proc.communicate()[0])
    finally:
        d.kill()
    m = B.re.search(r"failed in (\d+) ms; switched in (\d+) ms, slowest new instance ready in (\d+) ms", out)
    ready = [int(x) for x in B.re.findall(r"ready in (\d+) ms, old pid", out)]
    over = int(m.group(2)) - int(m.group(3)) if m else float("nan")
    return {"wall": wall, "over": over, "total": int(m.group(1)) if m else float("nan"),
            "switched": int(m.group(2)) if m else float("nan"),
            "slowest": int(m.group(3)) if m else (max(ready) if ready else float("nan")),
            "p99": r["p99"], "steady": steady["p99"], "ratio": r["p99"] / steady["p99"], "failed": r["errors"] + r["non2xx"]}


def main():
    variants = []
    for a in sys.argv[1:]:
        if a.startswith("--"):
            continue
        name, spec = a.split("=", 1)
        root, _, envs = spec.partition("::")
        env = dict(kv.split("=", 1) for kv in envs.split(",") if kv)
        variants.append((name, root, env))
    results = {(v[0], n): [] for v in variants for n in SIZES}
    for rnd in range(ROUNDS):
        for n in SIZES:
            for name, root, env in variants:
                r = one(root, env, n)
                results[(name, n)].append(r)
                print(f"round {rnd + 1} n={n} {name}: wall {r['wall']:.0f} ms, switched {r['switched']} ms, slowest start "
                      f"{r['slowest']} ms, old stopped {r['total']} ms, p99 {r['p99']:.1f} / {r['steady']:.1f} ms "
                      f"({r['ratio']:.2f} x), {r['failed']} failed; load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"\n| variant | N | wall | switched | slowest start | switched - slowest (median of runs) | old stopped | p99 during / steady | failed |")
    print("|---|---|---|---|---|---|---|---|---|")
    med = lambda rs, k: statistics.median(r[k] for r in rs)
    for (name, n), rs in results.items():
        print(f"| {name} | {n} | {med(rs, 'wall'):.0f} ms | {med(rs, 'switched'):.0f} ms | {med(rs, 'slowest'):.0f} ms | "
              f"{med(rs, 'over'):.0f} ms | {med(rs, 'total'):.0f} ms | {med(rs, 'p99'):.1f} / "
              f"{med(rs, 'steady'):.1f} ms ({med(rs, 'ratio'):.2f} x) | {sum(r['failed'] for r in rs)} |")


if __name__ == "__main__":
    main()
