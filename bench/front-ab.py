#!/usr/bin/env python3
"""Interleaved A/B of the HTTP front alone (bench/FrontProbe.java) against nginx on the same 2 backends.

Usage: bench/front-ab.py [--rounds=3] [--seconds=6] [--warmup=SECONDS] [--nginx-same-headers] [--backend=hello|node]
                         NAME=JAR[::JVM FLAGS] ...
  e.g. bench/front-ab.py base=/tmp/base.jar "new=supervisor/target/supervisor.jar::-XX:+UseSerialGC"
Each variant runs in its own JVM; wrk -c32 keep-alive; reports median req/s, p99, and CPU per request of the
front's process and of the two backends (utime+stime from /proc) for each variant and nginx, all in one run
(A B A B ...). --nginx-same-headers adds a second nginx that sends the backends what our front sends (the client's
Host, X-Forwarded-For, -Proto and -Host; the usual nginx sends Host: app and X-Forwarded-For only).
"""
import os, statistics, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as B

_next_port = [int(os.environ.get("FRONT_AB_PORT", "0"))]


def next_port():
    """FRONT_AB_PORT=N: ports N, N+1, ... (a range of one's own); otherwise ephemeral ones."""
    if not _next_port[0]:
        return B.free_port()
    _next_port[0] += 1
    return _next_port[0]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf("SC_CLK_TCK")
# --backend=node: the backends are node's http module (pm2's usual app) instead of the JDK's HttpServer
NODE_HELLO = ("require('http').createServer((q, s) => s.end('hello from pid ' + process.pid + '\\n'))"
              ".listen(process.env.PORT, '127.0.0.1')")


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def children(pid):
    try:
        return [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


def nginx_pids(ng, workers=2, timeout=10):
    """nginx's master and its workers (bench.nginx_proxy's worker_processes), once forked: they come just after
    the port opens, and CPU per request must count them."""
    deadline = time.time() + timeout
    while len(children(ng.pid)) < workers and time.time() < deadline:
        time.sleep(0.01)
    return [ng.pid] + children(ng.pid)


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0


def main():
    rounds, seconds, warmup, variants, same_headers, backend = 3, 6, None, [], False, "hello"
    for a in sys.argv[1:]:
        if a == "--nginx-same-headers":
            same_headers = True
            continue
        if a.startswith("--backend="):
            backend = a.split("=", 1)[1]
            continue
        if a.startswith("--warmup="):  # C2 compiles the front's hot path only after 20-30 s of load here
            warmup = int(a.split("=")[1])
        elif a.startswith("--rounds="):
            rounds = int(a.split("=")[1])
        elif a.startswith("--seconds="):
            seconds = int(a.split("=")[1])
        else:
            name, spec = a.split("=", 1)
            jar, _, flags = spec.partition("::")
            variants.append((name, jar, flags.split()))
    procs, targets = [], {}
    try:
        backends = []
        for _ in range(2):
            p = next_port()
            cmd = (["node", "-e", NODE_HELLO] if backend == "node"
                   else ["java", "-XX:+UseSerialGC", "-jar", os.path.join(ROOT, "examples/target/hello.jar")])
            procs.append(subprocess.Popen(cmd, env=dict(os.environ, PORT=str(p)), stdout=subprocess.DEVNULL))
            backends.append(p)
        for p in backends:
            B.wait_port(p)
        backend_pids = [p.pid for p in procs]
        for name, jar, flags in variants:
            fport = next_port()
            proc = subprocess.Popen(["java", *flags, "-cp", jar, os.path.join(ROOT, "bench/FrontProbe.java"), str(fport),
                                     *map(str, backends)], stdout=subprocess.DEVNULL)
            procs.append(proc)
            targets[name] = (fport, [proc.pid])
        nport = next_port()
        ng = B.nginx_proxy(nport, backends)
        procs.append(ng)
        for name, (port, _) in targets.items():
            B.wait_port(port, 60)
        B.wait_port(nport)
        targets["nginx"] = (nport, nginx_pids(ng))
        if same_headers:
            hport = next_port()
            ng_same = B.nginx_proxy(hport, backends, same_headers=True)
            procs.append(ng_same)
            B.wait_port(hport)
            targets["nginx, our headers"] = (hport, nginx_pids(ng_same))
        for name, (port, _) in targets.items():  # warm-up, not measured
            B.wrk(f"http://127.0.0.1:{port}/", warmup or seconds)
        results = {k: [] for k in targets}
        for _ in range(rounds):
            for name, (port, pids) in targets.items():
                before, backends_before = cpu_seconds(pids), cpu_seconds(backend_pids)
                r = B.wrk(f"http://127.0.0.1:{port}/", seconds)
                r["cpu_us"] = (cpu_seconds(pids) - before) / max(1, r["total"]) * 1e6
                r["backend_us"] = (cpu_seconds(backend_pids) - backends_before) / max(1, r["total"]) * 1e6
                results[name].append(r)
        lat = {}
        targets["direct (1 backend)"] = (backends[0], [])
        for name, (port, _) in targets.items():
            lat[name] = statistics.median(B.wrk(f"http://127.0.0.1:{port}/", 3, connections=1)["p50"] for _ in range(rounds))
        print(f"# front A/B, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {rounds} rounds x {seconds} s after {warmup or seconds} s of warm-up, "
              f"wrk -c32, load average {os.getloadavg()[0]:.1f}")
        print("| variant | req/s | × nginx | p90 ms | p99 ms | p99.9 ms | CPU/request | backends' CPU/request | sequential p50 µs (+ over direct) | RSS MiB |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        ng_rps = statistics.median(r["rps"] for r in results["nginx"])
        direct = lat["direct (1 backend)"]
        for name, rs in results.items():
            rps = statistics.median(r["rps"] for r in rs)
            med = lambda k: statistics.median(r[k] for r in rs)
            print(f"| {name} | {rps:.0f} | {rps / ng_rps:.2f} | {med('p90'):.2f} | {med('p99'):.2f} | {med('p999'):.2f} | "
                  f"{statistics.median(r['cpu_us'] for r in rs):.1f} µs | {statistics.median(r['backend_us'] for r in rs):.1f} µs | {lat[name] * 1000:.0f} (+{(lat[name] - direct) * 1000:.0f}) | "
                  f"{sum(rss_mib(p) for p in targets[name][1]):.0f} |")
        print("rounds (req/s, p99 ms):", {k: [(round(r["rps"]), r["p99"]) for r in v] for k, v in results.items()})
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        import shutil
        for p in procs:
            shutil.rmtree(getattr(p, "conf_dir", ""), ignore_errors=True)


if __name__ == "__main__":
    main()
