"""Supervisor benchmarks. Run through bench/bench.sh; prints a Markdown table.

1. Reload under load: the example HTTP app (examples/hello) behind the front, wrk -c32 for DURATION s,
   `supervisor reload` at the middle. Failed requests, non-2xx, p99, reload wall time, app start time.
2. Front throughput: the same 2 backends direct, through our front, through nginx, and pm2 cluster mode
   with a Node app (if pm2 is installed), interleaved in rounds (A B C A B C ...), medians reported.
3. Readiness detection: time from the app printing that its port is open to the daemon marking it online.
"""
import json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(ROOT, "bin", "supervisor")
QUICK = "--quick" in sys.argv
ONLY = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--only=")), ["reload", "front", "readiness"])
FRONT_LATENCY = {}
DURATION = 10 if QUICK else 20
ROUNDS = 2 if QUICK else 3


_port_range = [int(os.environ.get("BENCH_PORTS", "0") or 0), 0]


def daemon_jvm_options():
    """bin/supervisor's default SUPERVISOR_DAEMON_OPTS, as a list: what a daemon started by the CLI runs with."""
    text = open(os.path.join(ROOT, "bin/supervisor")).read()
    line = text.split('SUPERVISOR_DAEMON_OPTS:-', 1)[1].split('}"', 1)[0]
    return line.replace("$root", ROOT).split()


def free_port():
    """BENCH_PORTS=N: a free port among N .. N+999 (a range of one's own on a shared machine); else an ephemeral one."""
    base = _port_range[0]
    while base:
        p = base + _port_range[1] % 1000
        _port_range[1] += 1
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", p))
            return p
        except OSError:
            if _port_range[1] > 2000:
                raise SystemExit(f"bench: no free port in {base}..{base + 999}")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Daemon:
    def __init__(self, archive=False):
        """archive=False: no daemon class archive. A fresh home's first daemon makes its archive in the background
        (cli/DaemonArchive, a training daemon): beside a reload or front measurement that is load from elsewhere, and
        the archive changes nothing there. perf.py's footprint and 1,000-app start keep it (and warm the home first)."""
        self.home = tempfile.mkdtemp(prefix="supervisor-bench-")
        self.env = dict(os.environ, SUPERVISOR_HOME=self.home, SUPERVISOR_JOLOKIA_PORT=str(free_port()),
                        SUPERVISOR_CONSOLE_PORT=str(free_port()), SUPERVISOR_CONSOLE_ENABLED="false",
                        SUPERVISOR_METRICS_PORT=str(free_port()))
        if not archive:
            self.env["SUPERVISOR_DAEMON_ARCHIVE"] = "off"

    def cli(self, *args, check=True):
        r = subprocess.run([CLI, *args], env=self.env, capture_output=True, text=True)
        if check and r.returncode != 0:
            raise SystemExit(f"bench: supervisor {' '.join(args)} failed: {r.stdout}{r.stderr}")
        return r.stdout

    def start_hello(self, port, instances, extra=None):
        app = {"name": "hello", "script": os.path.join(ROOT, "examples/target/hello.jar"),
               "interpreter_args": "-XX:+UseSerialGC -jar", "port": port,
               "instances": instances, "listen_timeout": "20s", "kill_timeout": "3s",
               "log_date_format": "yyyy-MM-dd'T'HH:mm:ss.SSS"}
        app.update(extra or {})
        f = os.path.join(self.home, "apps.json")
        with open(f, "w") as fh:
            json.dump({"apps": [app]}, fh)
        self.cli("start", f)
        return json.loads(self.cli("list", "--json"))

    def kill(self):
        self.cli("kill", check=False)
        shutil.rmtree(self.home, ignore_errors=True)


def wrk(url, seconds, connections=32):
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", os.path.join(ROOT, "bench", "wrk-tail.lua"), url], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errs = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errs = sum(int(x) for x in m.groups())
    def lat(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    tail = re.search(r"tail-us p99.9 (\d+) max (\d+)", out)
    return {"rps": rps, "total": total, "non2xx": non2xx, "errors": errs, "p50": lat(50), "p90": lat(90), "p99": lat(99),
            "p999": int(tail.group(1)) / 1000 if tail else float("nan"), "max": int(tail.group(2)) / 1000 if tail else float("nan")}


def reload_under_load(instances):
    d = Daemon()
    try:
        port = free_port()
        d.start_hello(port, instances)
        proc = subprocess.Popen(["wrk", "-t2", "-c32", f"-d{DURATION}s", "--latency", f"http://127.0.0.1:{port}/"],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(DURATION / 2 - 2)
        t0 = time.time()
        out = d.cli("reload", "hello")
        wall = (time.time() - t0) * 1000
        wrk_out = proc.communicate()[0]
        ready = [int(x) for x in re.findall(r"ready in (\d+) ms, old pid", out)]
        r = parse_wrk(wrk_out)
        r.update(instances=instances, reload_ms=wall, start_ms=statistics.median(ready) if ready else float("nan"))
        return r
    finally:
        d.kill()


def pm2_reload_under_load(instances=2):
    """The same measurement for pm2 7 in cluster mode with a Node app (the peer we must beat)."""
    pm2 = shutil.which("pm2")
    if not pm2:
        return None
    home = tempfile.mkdtemp(prefix="bench-pm2-")
    port = free_port()
    script = os.path.join(home, "hello.js")
    with open(script, "w") as fh:
        fh.write("require('http').createServer((q,s)=>{s.end('hello from pm2\\n')}).listen(process.env.PORT)\n")
    env = dict(os.environ, PM2_HOME=os.path.join(home, "pm2"), PORT=str(port))
    try:
        subprocess.run([pm2, "start", script, "-i", str(instances), "--name", "bench"], env=env, capture_output=True)
        wait_port(port)
        proc = subprocess.Popen(["wrk", "-t2", "-c32", f"-d{DURATION}s", "--latency", f"http://127.0.0.1:{port}/"],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(DURATION / 2 - 2)
        t0 = time.time()
        subprocess.run([pm2, "reload", "bench"], env=env, capture_output=True)
        wall = (time.time() - t0) * 1000
        r = parse_wrk(proc.communicate()[0])
        r.update(instances=instances, reload_ms=wall, start_ms=float("nan"))
        return r
    finally:
        subprocess.run([pm2, "kill"], env=env, capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def parse_wrk(out):
    tmp = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
           "total": int(re.search(r"(\d+) requests in", out).group(1))}
    tmp["non2xx"] = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    tmp["errors"] = sum(int(x) for x in m.groups()) if (m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)) else 0
    m = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out)
    v, unit = float(m.group(1)), m.group(2)
    tmp["p99"] = v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return tmp


def nginx_proxy(port, backends, same_headers=False):
    """nginx as the usual reverse proxy (Host: app, X-Forwarded-For); same_headers: what our front sends instead,
    the client's Host and X-Forwarded-For, -Proto and -Host (front/ProxyHeaders), for a like-for-like backend cost."""
    conf_dir = tempfile.mkdtemp(prefix="bench-nginx-")
    conf = os.path.join(conf_dir, "nginx.conf")
    servers = "".join(f"server 127.0.0.1:{b};" for b in backends)
    headers = ('proxy_set_header X-Forwarded-For $remote_addr;' if not same_headers else
               'proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $remote_addr; '
               'proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Host $http_host;')
    with open(conf, "w") as fh:
        fh.write(f"""worker_processes 2; daemon off; pid {conf_dir}/nginx.pid; error_log {conf_dir}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; upstream app {{ {servers} keepalive 64; }}
  server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass http://app; proxy_http_version 1.1;
    proxy_set_header Connection ""; {headers} }} }} }}
""")
    proc = subprocess.Popen(["nginx", "-c", conf, "-p", conf_dir], stderr=subprocess.DEVNULL)
    proc.conf_dir = conf_dir  # removed by the caller once nginx has stopped
    return proc


def wait_port(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"bench: port {port} never opened")


def front_throughput():
    d = Daemon()
    procs = []
    try:
        port = free_port()
        listing = d.start_hello(port, 2)
        backends = [p["privatePort"] for p in listing if p["name"] == "hello"]
        targets = {"direct (1 backend)": backends[0], "supervisor front": port}
        if shutil.which("nginx"):
            nport = free_port()
            procs.append(nginx_proxy(nport, backends))
            wait_port(nport)
            targets["nginx"] = nport
        pm2 = shutil.which("pm2")
        if pm2:
            pport = free_port()
            script = os.path.join(d.home, "hello.js")
            with open(script, "w") as fh:
                fh.write("require('http').createServer((q,s)=>{s.end('hello from pm2\\n')}).listen(process.env.PORT)\n")
            penv = dict(os.environ, PM2_HOME=os.path.join(d.home, "pm2"), PORT=str(pport))
            subprocess.run([pm2, "start", script, "-i", "2", "--name", "bench"], env=penv, capture_output=True)
            wait_port(pport)
            targets["pm2 cluster (node, 2)"] = pport
        for name, p in targets.items():  # JIT warm-up for every target, not measured
            # The daemon's C2 needs 20-30 s of this load on 2 busy cores before the front's hot path is compiled
            wrk(f"http://127.0.0.1:{p}/", 30 if name == "supervisor front" else 5)
        results = {k: [] for k in targets}
        for _ in range(ROUNDS):
            for name, p in targets.items():
                results[name].append(wrk(f"http://127.0.0.1:{p}/", 5 if QUICK else 8))
        latency = {}
        for name in ("direct (1 backend)", "supervisor front", "nginx"):
            if name in targets:
                latency[name] = statistics.median(wrk(f"http://127.0.0.1:{targets[name]}/", 5, connections=1)["p50"]
                                                  for _ in range(ROUNDS))
        if pm2:
            subprocess.run([pm2, "kill"], env=penv, capture_output=True)
        FRONT_LATENCY.update(latency)
        return {k: {"rps": statistics.median(r["rps"] for r in v), "p50": statistics.median(r["p50"] for r in v),
                    "p99": statistics.median(r["p99"] for r in v)} for k, v in results.items()}
    finally:
        for p in procs:
            p.terminate()
            p.wait()
            shutil.rmtree(getattr(p, "conf_dir", ""), ignore_errors=True)
        d.kill()


PROBE_APP = """
import os, socket, time
s = socket.socket()
s.bind(("127.0.0.1", int(os.environ["PORT"])))
s.listen(128)
print("bound at epoch-ms %d" % (time.time() * 1000), flush=True)
while True:
    c, _ = s.accept()
    c.close()
"""


def readiness_detection(samples=8):
    """A tiny Python app prints the moment its port starts accepting; the daemon logs when it marks it online."""
    d = Daemon()
    try:
        app = {"name": "probe", "script": "/usr/bin/python3", "interpreter": "none", "args": ["-c", PROBE_APP],
               "port": free_port(), "listen_timeout": "10s"}
        f = os.path.join(d.home, "probe.json")
        with open(f, "w") as fh:
            json.dump({"apps": [app]}, fh)
        d.cli("start", f)
        for _ in range(samples - 1):
            d.cli("reload", "probe")
        log = open(os.path.join(d.home, "supervisor.log")).read()
        online = sorted(datetime.datetime.fromisoformat(m.group(1).replace(",", ".")).timestamp() * 1000
                        for m in re.finditer(r"^(\S+) INFO .* probe\[\d+\] launching -> online", log, re.M))
        outs = "".join(open(os.path.join(d.home, "logs", n)).read() for n in os.listdir(os.path.join(d.home, "logs"))
                       if n.startswith("probe-") and n.endswith("-out.log"))
        bound = sorted(int(m.group(1)) for m in re.finditer(r"bound at epoch-ms (\d+)", outs))
        # The k-th bind belongs to the k-th launch.
        return [t_online - t_bound for t_bound, t_online in zip(bound, online)]
    finally:
        d.kill()


def main():
    print(f"# Supervisor benchmarks, {datetime.date.today()} ({os.cpu_count()} cores), wrk -t2 -c32\n")
    if "reload" in ONLY:
        print("## Reload under load (examples/hello behind the http front)\n")
        print("| instances | requests | failed (socket errors) | non-2xx | p99 ms | reload wall ms | new instance ready ms (median) |")
        print("|---|---|---|---|---|---|---|")
        for n in (1, 2, 4):
            r = reload_under_load(n)
            print(f"| {n} | {r['total']} | {r['errors']} | {r['non2xx']} | {r['p99']:.1f} | {r['reload_ms']:.0f} | {r['start_ms']:.0f} |")
        r = pm2_reload_under_load()
        if r:
            print(f"| pm2 7 cluster, node, 2 | {r['total']} | {r['errors']} | {r['non2xx']} | {r['p99']:.1f} | {r['reload_ms']:.0f} | - |")
    if "front" in ONLY:
        print("\n## Front throughput (same 2 backends, -c32; warm-up, then medians of interleaved rounds)\n")
        print("| target | req/s | p50 ms | p99 ms | vs nginx |")
        print("|---|---|---|---|---|")
        ft = front_throughput()
        base = ft.get("nginx", {}).get("rps")
        for k, v in ft.items():
            ratio = f"{v['rps'] / base:.2f}" if base else "-"
            print(f"| {k} | {v['rps']:.0f} | {v['p50']:.2f} | {v['p99']:.2f} | {ratio} |")
        if FRONT_LATENCY:
            print("\nSequential requests (wrk -c1), median p50: " + ", ".join(f"{k} {v * 1000:.0f} us" for k, v in FRONT_LATENCY.items()))
            if "direct (1 backend)" in FRONT_LATENCY and "supervisor front" in FRONT_LATENCY:
                added = (FRONT_LATENCY["supervisor front"] - FRONT_LATENCY["direct (1 backend)"]) * 1000
                print(f"Added p50 latency of the front: {added:.0f} us")
    if "readiness" in ONLY:
        gaps = readiness_detection()
        print("\n## Readiness detection (a Python app's listen() -> the daemon marks it online)\n")
        if gaps:
            print(f"median {statistics.median(gaps):.0f} ms, max {max(gaps):.0f} ms over {len(gaps)} starts (ms-resolution clocks)")
        else:
            print("no samples")


if __name__ == "__main__":
    main()
