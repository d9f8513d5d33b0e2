"""Soak: the example HTTP app (3 instances) behind the front under wrk -c16 for the whole run; every 5-15 s a
random event: a reload (supervisor reload hello) or a crash (kill -9 of a random instance). Run through
bench/soak.sh. Prints the events, the failed requests, and the daemon's fds, threads and heap after GC at the
start and the end (a leak shows as growth between the two)."""
import base64, datetime, json, os, random, re, subprocess, sys, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import Daemon, free_port  # noqa: E402

MINUTES = 30.0
if "--minutes" in sys.argv:
    MINUTES = float(sys.argv[sys.argv.index("--minutes") + 1])


def jolokia(d, body):
    creds = dict(l.strip().split("=", 1) for l in open(os.path.join(d.home, "credentials")) if "=" in l and not l.startswith("#"))
    req = urllib.request.Request(f"http://127.0.0.1:{d.env['SUPERVISOR_JOLOKIA_PORT']}/jolokia/", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Basic " + base64.b64encode(
                                     f"{creds['username']}:{creds['password']}".encode()).decode()})
    return json.load(urllib.request.urlopen(req, timeout=30))


def daemon_stats(d):
    pid = int(open(os.path.join(d.home, "supervisor.pid")).read().strip())
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    threads = int(re.search(r"Threads:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))
    # A full GC through jcmd (same user, local attach): the Jolokia policy allows reads only on java.lang.
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True)
    heap = jolokia(d, {"type": "read", "mbean": "java.lang:type=Memory", "attribute": "HeapMemoryUsage"})["value"]["used"]
    dead = jolokia(d, {"type": "exec", "mbean": "java.lang:type=Threading", "operation": "findDeadlockedThreads"})["value"]
    return {"fds": fds, "threads": threads, "heap_mb": heap / 1048576, "deadlocked": 0 if dead is None else len(dead)}


def main():
    d = Daemon()
    try:
        port = free_port()
        d.start_hello(port, 3)
        start = daemon_stats(d)
        seconds = int(MINUTES * 60)
        load = subprocess.Popen(["wrk", "-t2", "-c16", f"-d{seconds}s", f"http://127.0.0.1:{port}/"],
                                stdout=subprocess.PIPE, text=True)
        end = time.time() + seconds - 5
        rnd = random.Random(7)
        reloads = crashes = failed_reloads = 0
        while time.time() < end:
            time.sleep(rnd.uniform(5, 15))
            if time.time() >= end:
                break
            if rnd.random() < 0.5:
                r = subprocess.run([os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bin", "supervisor"),
                                    "reload", "hello"], env=d.env, capture_output=True, text=True)
                reloads += 1
                failed_reloads += r.returncode != 0
            else:
                pids = [p["pid"] for p in json.loads(d.cli("list", "--json")) if p["pid"]]
                if pids:
                    subprocess.run(["kill", "-9", str(rnd.choice(pids))])
                    crashes += 1
        out = load.communicate()[0]
        # Let crashed instances come back before the closing figures.
        for _ in range(60):
            if all(p["status"] == "online" for p in json.loads(d.cli("list", "--json"))):
                break
            time.sleep(1)
        final = daemon_stats(d)
        total = int(re.search(r"(\d+) requests in", out).group(1))
        non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
        errs = sum(int(x) for x in m.groups()) if (m := re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)) else 0
        print(f"## {datetime.date.today()} bench/soak.sh --minutes {MINUTES:g}")
        print()
        print(f"{total} requests, {non2xx} non-2xx, {errs} socket errors; {reloads} reloads ({failed_reloads} failed), "
              f"{crashes} crashes (kill -9 of an instance)")
        print()
        print("| daemon | start | end |")
        print("|---|---|---|")
        for k, label in (("fds", "open fds"), ("threads", "threads"), ("heap_mb", "heap after GC (MB)"), ("deadlocked", "deadlocked threads")):
            fmt = (lambda v: f"{v:.1f}") if k == "heap_mb" else str
            print(f"| {label} | {fmt(start[k])} | {fmt(final[k])} |")
    finally:
        d.kill()


if __name__ == "__main__":
    main()
