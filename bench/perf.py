"""Issue 11's figures beside pm2 7.0.4, in one run, as one table. Run through bench/perf.sh.

Sections (--only=cli,footprint,scale,logs,reload,crash,front; default all):
  cli        hyperfine `list` with 5 apps, ours vs pm2's interleaved in 5 rounds (median wall, mean user CPU)
  footprint  daemon idle RSS / threads with 5 apps, console off and on; pm2's God; the floors under them: a JVM
             with the daemon's options that only sleeps, the same with the platform MBean server (JMX), and with
             JMX and a Jolokia agent that has served requests (bench/FootprintFloor.java), and node that only waits
  scale      N (1,000) idle apps (/bin/sleep): start until all online, `list`, daemon threads/fds/RSS,
             idle CPU over 30 s, `delete all`; pm2 at PM2_SCALE (200) apps
  logs       log capture throughput and CPU vs the app's own pipe ceiling (LogCaptureBench)
  reload     reload of 2 instances under wrk -c32: wall time, p99, failed requests; pm2 cluster reload
             (--surge: also `reload --surge` of 2 and 4 instances, and a batch reload of 4)
  crash      kill -9 an instance -> its new pid appears (children of the daemon, polled every 0.2 ms)
  front      wrk -c32 keep-alive through our front vs nginx on the same 2 backends; sequential latency
Everything binds 127.0.0.1; every daemon, pm2 and nginx it starts is stopped at the end, also on failure.
"""
import glob, json, os, shutil, signal, statistics, subprocess, sys, tempfile, time, datetime, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as B  # noqa: E402  (helpers: Daemon, wrk, nginx, reload under load)

ROOT = B.ROOT
ONLY = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--only=")),
            ["cli", "footprint", "scale", "logs", "reload", "crash", "front"])
QUICK = "--quick" in sys.argv
SURGE = "--surge" in sys.argv  # reload section: also surge reloads of 2 and 4 instances
N = int(os.environ.get("PERF_APPS", "200" if QUICK else "1000"))
PM2_SCALE = int(os.environ.get("PM2_SCALE", "200"))
ROWS = []  # (figure, pm2, ours, target)
CLEANUP = []


def row(figure, pm2, ours, target=""):
    ROWS.append((figure, pm2, ours, target))
    print(f"  {figure}: pm2 {pm2} | here {ours}", file=sys.stderr, flush=True)


# ---------- pm2, installed into a temporary folder ----------
class Pm2:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="perf-pm2-")
        r = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", self.dir, "pm2@7.0.4"],
                           capture_output=True, text=True)
        self.bin = os.path.join(self.dir, "node_modules", ".bin", "pm2")
        self.ok = r.returncode == 0 and os.path.exists(self.bin)
        if not self.ok:
            print(f"perf: npm install pm2@7.0.4 failed, pm2 columns stay empty: {r.stderr[-300:]}", file=sys.stderr)
        self.home = os.path.join(self.dir, "home")
        self.env = dict(os.environ, PM2_HOME=self.home)
        # bench.py looks pm2 up on PATH for its reload and front baselines
        os.environ["PATH"] = os.path.dirname(self.bin) + os.pathsep + os.environ["PATH"]
        CLEANUP.append(self.close)

    def __call__(self, *args, check=False):
        return subprocess.run([self.bin, *args], env=self.env, capture_output=True, text=True, check=check)

    def god_pid(self):
        with open(os.path.join(self.home, "pm2.pid")) as fh:
            return int(fh.read().strip())

    def start_sleepers(self, n):
        eco = os.path.join(self.dir, f"eco{n}.json")
        with open(eco, "w") as fh:
            json.dump({"apps": [{"name": f"s{i}", "script": "/bin/sleep", "args": "3600", "interpreter": "none",
                                 "autorestart": True} for i in range(n)]}, fh)
        return self("start", eco)

    def close(self):
        if self.ok:
            self("kill")
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------- our daemon ----------
class Daemon(B.Daemon):
    def __init__(self, console=False, opts=None, archive=False):
        super().__init__(archive)
        if console:
            self.env["SUPERVISOR_CONSOLE_ENABLED"] = "true"
        if opts:
            self.env["SUPERVISOR_DAEMON_OPTS"] = opts
        CLEANUP.append(self.kill)

    def kill(self):
        if not getattr(self, "killed", False):
            self.killed = True
            super().kill()

    def pid(self):
        with open(os.path.join(self.home, "supervisor.pid")) as fh:
            return int(fh.read().strip())

    def start_sleepers(self, n):
        f = os.path.join(self.home, f"sleepers{n}.json")
        with open(f, "w") as fh:
            json.dump({"apps": [{"name": f"s{i}", "script": "/bin/sleep", "args": "3600"} for i in range(n)]}, fh)
        return self.cli("start", f)

    def list_json(self):
        return json.loads(self.cli("list", "--json"))

    def warm(self, timeout=180):
        """Starts this home's daemon once, waits for its class archive (made once per build and home by a niced
        training daemon, cli/DaemonArchive), then kills it: the next start is what every start after a build's first
        one is, and no training runs beside the measurement."""
        self.cli("ping", check=False)
        deadline = time.time() + timeout
        while time.time() < deadline and not glob.glob(os.path.join(self.home, "runtime", "*", "daemon-*.jsa")):
            time.sleep(0.5)
        self.cli("kill", check=False)
        return bool(glob.glob(os.path.join(self.home, "runtime", "*", "daemon-*.jsa")))


def proc_status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return {"rss_mib": int(out["VmRSS"].split()[0]) / 1024, "threads": int(out["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu_percent(pid, seconds=10):
    c0, t0 = cpu_seconds(pid), time.time()
    time.sleep(seconds)
    return 100 * (cpu_seconds(pid) - c0) / (time.time() - t0)


def children(pid):
    kids = set()
    for f in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(f) as fh:
                kids.update(int(x) for x in fh.read().split())
        except OSError:
            pass
    return kids


def timed(fn):
    t0 = time.time()
    fn()
    return (time.time() - t0) * 1000


def ms(v):
    return f"{v:.0f} ms"


# ---------- sections ----------
def cli_latency(pm2):
    d = Daemon()
    d.start_sleepers(5)
    cmds = [f"env SUPERVISOR_HOME={d.home} SUPERVISOR_JOLOKIA_PORT={d.env['SUPERVISOR_JOLOKIA_PORT']} "
            f"{B.CLI} list"]
    if pm2.ok:
        pm2.start_sleepers(5)
        cmds.append(f"env PM2_HOME={pm2.home} {pm2.bin} list")
    # bin/supervisor makes its class caches in the background after a build: time the CLI as users run it, cached.
    jar = os.path.join(ROOT, "supervisor/target/supervisor.jar")
    deadline = time.time() + 120
    while time.time() < deadline and not any(
            os.path.exists(c) and os.path.getmtime(c) > os.path.getmtime(jar)
            for c in glob.glob(os.path.join(ROOT, "supervisor/target/cli-fast.*"))):
        time.sleep(1)
    # Interleaved: 5 rounds of one hyperfine run with both commands (3 runs each), so a burst of load from
    # elsewhere hits both sides alike; a single run would time all of ours, then all of pm2's.
    out = os.path.join(d.home, "hyperfine.json")
    walls = [[] for _ in cmds]
    users = [[] for _ in cmds]
    subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", "3", *cmds], capture_output=True, text=True, check=True)
    for _ in range(5):
        subprocess.run(["hyperfine", "-N", "--warmup", "1", "--runs", "3", "--export-json", out, *cmds],
                       capture_output=True, text=True, check=True)
        with open(out) as fh:
            for k, r in enumerate(json.load(fh)["results"]):
                walls[k].extend(r["times"])
                users[k].append(r["user"])
    res = [{"median": statistics.median(w), "user": statistics.mean(u)} for w, u in zip(walls, users)]
    ours = res[0]
    theirs = res[1] if len(res) > 1 else None
    row("`list` with 5 apps, median (hyperfine)", ms(theirs["median"] * 1000) if theirs else "-",
        ms(ours["median"] * 1000) + (f" ({ours['median'] / theirs['median']:.2f} ×)" if theirs else ""),
        "≤ 0.8 × pm2's")
    row("`list` user CPU, mean", ms(theirs["user"] * 1000) if theirs else "-", ms(ours["user"] * 1000), "≤ 150 ms")
    if pm2.ok:
        pm2("delete", "all")
    d.kill()


def footprint(pm2):
    off = Daemon(archive=True)
    on = Daemon(console=True, archive=True)
    archived = off.warm() and on.warm()
    off.start_sleepers(5)
    on.start_sleepers(5)
    deadline = time.time() + 60
    while time.time() < deadline and "up at" not in on.cli("console", check=False):
        time.sleep(0.5)
    time.sleep(10)  # idle: let start-up garbage go and the console settle
    s_off, s_on = proc_status(off.pid()), proc_status(on.pid())
    theirs = "-"
    if pm2.ok:
        pm2("delete", "all")
        pm2.start_sleepers(5)
        time.sleep(5)
        p = proc_status(pm2.god_pid())
        theirs = f"{p['rss_mib']:.0f} MiB, {p['threads']} threads"
        pm2("delete", "all")
    row("daemon idle RSS, 5 apps, console off", theirs, f"{s_off['rss_mib']:.0f} MiB, {s_off['threads']} threads"
        + ("" if archived else " (no class archive)"), "≤ pm2's (~55 MiB)")
    row("daemon idle RSS, 5 apps, console on", "-", f"{s_on['rss_mib']:.0f} MiB, {s_on['threads']} threads", "≤ 100 MiB")
    off.kill()
    on.kill()
    floors()


def floors():
    """The runtimes' own floors, same options as the daemon: what no supervisor code can take away."""
    build = tempfile.mkdtemp(prefix="perf-floor-")
    CLEANUP.append(lambda: shutil.rmtree(build, ignore_errors=True))
    cp = os.pathsep.join([build, *glob.glob(os.path.join(ROOT, "supervisor/target/lib/jolokia-*.jar"))])
    subprocess.run(["javac", "-d", build, "-cp", cp, os.path.join(ROOT, "bench/FootprintFloor.java")], check=True)

    def idle_rss(cmd, touch=None):
        # stdin a pipe: each probe lives until it reads its end, so none outlives this script
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            first = p.stdout.readline().strip()
            while first and not first.startswith(("http", "bare", "jmx", "node")):  # the JIT's "compiler directives added"
                first = p.stdout.readline().strip()
            if touch:
                touch(first)
            time.sleep(10)
            return proc_status(p.pid)
        finally:
            p.kill()
            p.wait()

    def requests(url):  # what the CLI does to it: reads, a search, an exec
        for _ in range(20):
            for path in ("read/java.lang:type=Memory/HeapMemoryUsage", "search/java.lang:*", "exec/java.lang:type=Memory/gc"):
                urllib.request.urlopen(url + path, timeout=10).read()

    java = ["java", *B.daemon_jvm_options(), "-cp", cp, "FootprintFloor"]
    bare, jmx, jolokia = idle_rss(java + ["bare"]), idle_rss(java + ["jmx"]), idle_rss(java + ["jolokia"], requests)
    node = idle_rss(["node", "-e", "console.log('node'); process.stdin.on('end', () => process.exit()).resume()"])
    row("runtime floor, a process that only sleeps (pm2's column: node; here: a JVM with the daemon's options)",
        f"{node['rss_mib']:.0f} MiB", f"{bare['rss_mib']:.0f} MiB")
    row("JVM + the platform MBean server (JMX), no supervisor code", "-", f"{jmx['rss_mib']:.0f} MiB")
    row("JVM + JMX + a Jolokia agent that served 60 requests, no supervisor code", "-", f"{jolokia['rss_mib']:.0f} MiB")


def wait_online(list_fn, n, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            ps = list_fn()
        except (SystemExit, json.JSONDecodeError):
            ps = []
        if sum(1 for p in ps if p.get("status") == "online") >= n:
            return True
        time.sleep(0.25)
    return False


def scale(pm2):
    d = Daemon(archive=True)
    d.warm()  # as every start after a build's first: the archive made, no training beside the measurement
    d.cli("ping", check=False)  # the daemon is up before the clock starts
    # `start` returns once every app it started is online (it prints the table then), so its own time is the
    # figure; a check afterwards, not timed, confirms it, else the wait for the rest is added. (Polling with
    # `list --json` every 0.25 s instead would add up to a poll and put a CLI JVM beside the daemon's work.)
    start = timed(lambda: d.start_sleepers(N))
    if not wait_online(d.list_json, N, 0.1):
        start += timed(lambda: wait_online(d.list_json, N, 300))
    lst = statistics.median(timed(lambda: d.cli("list")) for _ in range(5))
    pid = d.pid()
    time.sleep(50)  # idle: quiet apps' log files close after 30 s (checked every 15 s)
    st = proc_status(pid)
    idle = idle_cpu_percent(pid, 30)  # 10 s windows at 1 % are 10 ticks of 10 ms: too coarse to compare runs
    crash = crash_to_new_pid(pid, lambda: [p["pid"] for p in d.list_json() if p["name"] == "s0"][0], samples=3)
    delete = timed(lambda: d.cli("delete", "all"))
    d.kill()
    p_start = p_list = p_delete = "-"
    if pm2.ok:
        pm2("delete", "all")
        t0 = time.time()
        pm2.start_sleepers(PM2_SCALE)
        wait_online(lambda: [{"status": p["pm2_env"]["status"]} for p in json.loads(pm2("jlist").stdout or "[]")],
                    PM2_SCALE, 300)
        p_start = f"{(time.time() - t0) * 1000:.0f} ms at {PM2_SCALE}"
        p_list = f"{statistics.median(timed(lambda: pm2('list')) for _ in range(5)):.0f} ms at {PM2_SCALE}"
        p_delete = f"{timed(lambda: pm2('delete', 'all')):.0f} ms at {PM2_SCALE}"
    row(f"start {N} idle apps until all online", p_start, ms(start), "≤ 5 s at 1,000")
    row(f"`list` at {N} apps", p_list, ms(lst), "≤ 300 ms")
    row(f"daemon threads / fds / RSS at {N} processes", "event loop",
        f"{st['threads']} threads, {st['fds']} fds, {st['rss_mib']:.0f} MiB",
        "≤ 100 threads, ≤ 2 fds/process + 100, ≤ 150 MiB")
    row(f"daemon idle CPU at {N} processes", "-", f"{idle:.1f} % of a core", "≤ 1 %")
    row(f"crash → new pid at {N} processes, median", "-", f"{crash:.1f} ms", "≤ 15 ms")
    row(f"`delete all` at {N}", p_delete, ms(delete), "≤ 5 s")


def crash_to_new_pid(daemon_pid, current_pid, samples=5):
    gaps = []
    for _ in range(samples):
        old = current_pid()
        before = children(daemon_pid) - {old}
        t0 = time.perf_counter()
        os.kill(old, signal.SIGKILL)
        deadline = t0 + 10
        while time.perf_counter() < deadline:
            if children(daemon_pid) - before - {old}:
                gaps.append((time.perf_counter() - t0) * 1000)
                break
            time.sleep(0.0002)
        time.sleep(1.5)  # past min_uptime, so the next crash is not an unstable restart
    return statistics.median(gaps) if gaps else float("nan")


def crash(pm2):
    d = Daemon()
    d.start_sleepers(1)
    ours = crash_to_new_pid(d.pid(), lambda: [p["pid"] for p in d.list_json()][0])
    d.kill()
    theirs = "-"
    if pm2.ok:
        pm2("delete", "all")
        pm2.start_sleepers(1)
        time.sleep(2)
        theirs = ms(crash_to_new_pid(pm2.god_pid(),
                                     lambda: json.loads(pm2("jlist").stdout)[0]["pid"]))
        pm2("delete", "all")
    row("crash → new pid, median of 5", theirs, f"{ours:.1f} ms", "≤ 15 ms")


def logs():
    cp = os.path.join(ROOT, "supervisor/target/test-classes") + os.pathsep + os.path.join(ROOT, "supervisor/target/supervisor.jar")
    mb = "100" if QUICK else "300"
    # the daemon's own JVM options: the capture is measured as the daemon's JIT compiles it
    r = subprocess.run(["java", *B.daemon_jvm_options(), "-cp", cp, f"-Dlog4j.configurationFile={ROOT}/conf/log4j2.xml",
                        "dev.supervisor.bench.LogCaptureBench", os.path.join(ROOT, "bench/logwriter.py"), mb, "3"],
                       capture_output=True, text=True)
    print(r.stdout, file=sys.stderr)
    lines = {l.split()[0]: l for l in r.stdout.splitlines() if l and l.split()[0] in ("ceiling", "thread", "mux")}
    def fig(mode):
        parts = lines[mode].split()
        return (f"{parts[1]} MB/s at {parts[3]} % of a core ({parts[10]} × ceiling; {parts[13]} ms CPU/MB, "
                f"{parts[16]} % of a core at the ceiling's rate)")
    if "mux" in lines:
        row("log capture, 100-byte lines, log_date_format on (pipe ceiling " + lines["ceiling"].split()[1] + " MB/s)",
            "43–50 MB/s at ~100 % (2026-11-30)",
            f"multiplexer {fig('mux')}; thread per stream {fig('thread')}", "≥ 0.95 × ceiling at ≤ 30 %")
    else:
        row("log capture", "-", "failed: " + (r.stderr[-200:] or r.stdout[-200:]), "")


def reload_timing(out):
    """The pipeline's own figures from the CLI's output: reload start -> last switch, the slowest new instance's
    launch -> ready, and the whole pipeline (old instances drained and stopped)."""
    m = B.re.search(r"failed in (\d+) ms; switched in (\d+) ms, slowest new instance ready in (\d+) ms", out)
    return {"total": int(m.group(1)), "switched": int(m.group(2)), "slowest": int(m.group(3))} if m else None


def our_reload(n, surge, env=None):
    """Steady p99 first (8 s), then a reload in the middle of a 20 s run, on the same daemon and app."""
    d = Daemon()
    d.env.update(env or {})
    try:
        port = B.free_port()
        d.start_hello(port, n)
        url = f"http://127.0.0.1:{port}/"
        B.wrk(url, 5)  # warm-up
        steady = B.wrk(url, 8)
        proc = subprocess.Popen(["wrk", "-t2", "-c32", "-d20s", "--latency", url], stdout=subprocess.PIPE, text=True)
        time.sleep(8)
        t0 = time.time()
        out = d.cli("reload", "hello", *(["--surge"] if surge else []))
        wall = (time.time() - t0) * 1000
        r = B.parse_wrk(proc.communicate()[0])
    finally:
        d.kill()
    ready = [int(x) for x in B.re.findall(r"ready in (\d+) ms, old pid", out)]
    t = reload_timing(out)
    pipeline = ((f"; pipeline: switched in {t['switched']} ms = slowest start {t['slowest']} + "
                 f"{t['switched'] - t['slowest']} ms" if surge or n == 1 else
                 f"; pipeline: switched in {t['switched']} ms ({n} starts in turn, slowest {t['slowest']} ms)")
                + f", old stopped at {t['total']} ms") if t else ""
    return (f"{wall:.0f} ms wall (new instances ready in {', '.join(map(str, ready))} ms){pipeline}, p99 {r['p99']:.1f} / "
            f"{steady['p99']:.1f} ms ({r['p99'] / steady['p99']:.1f} ×), {r['errors']} failed, {r['non2xx']} non-2xx")


def reload(pm2):
    """Batch reload of 2 beside pm2's; with --surge also surge (and batch) reloads of 2 and 4 instances."""
    ours = our_reload(2, False)
    p = B.pm2_reload_under_load(2) if pm2.ok else None
    row("reload of 2 instances under wrk -c32 (examples/hello): wall, p99 during / steady, failed",
        f"{p['reload_ms']:.0f} ms, p99 {p['p99']:.1f} ms, {p['errors']} failed" if p else "-",
        ours, "≤ one app start + 100 ms; p99 ≤ 2 × steady")
    if SURGE:
        for n in (2, 4):
            row(f"reload --surge of {n} instances under wrk -c32 (examples/hello)", "-", our_reload(n, True),
                "≤ one app start + 100 ms; p99 ≤ 2 × steady")
        row("reload (batch) of 4 instances under wrk -c32 (examples/hello)", "-", our_reload(4, False), "")


def front():
    ft = B.front_throughput()
    ours, ng = ft["supervisor front"], ft.get("nginx")
    row("front throughput, wrk -c32 keep-alive, same 2 backends",
        f"nginx {ng['rps']:.0f} req/s, p99 {ng['p99']:.2f} ms" if ng else "nginx missing",
        f"{ours['rps']:.0f} req/s ({ours['rps'] / ng['rps']:.2f} × nginx), p99 {ours['p99']:.2f} ms" if ng
        else f"{ours['rps']:.0f} req/s", "≥ 1.0 × nginx, p99 ≤ nginx's")
    lat = B.FRONT_LATENCY
    if "direct (1 backend)" in lat:
        direct = lat["direct (1 backend)"]
        row("added latency of the front, sequential requests (p50 - direct p50)",
            f"nginx adds {(lat['nginx'] - direct) * 1000:.0f} µs" if "nginx" in lat else "-",
            f"{(lat['supervisor front'] - direct) * 1000:.0f} µs", "≤ nginx's")


def main():
    for tool in ("wrk", "hyperfine", "java", "npm"):
        if not shutil.which(tool):
            print(f"perf: {tool} is missing (apt-get install wrk hyperfine nginx nodejs npm)", file=sys.stderr)
    started = datetime.datetime.now(datetime.timezone.utc)
    pm2 = Pm2()
    try:
        if "cli" in ONLY:
            cli_latency(pm2)
        if "footprint" in ONLY:
            footprint(pm2)
        if "scale" in ONLY:
            scale(pm2)
        if "logs" in ONLY:
            logs()
        if "reload" in ONLY:
            reload(pm2)
        if "crash" in ONLY:
            crash(pm2)
        if "front" in ONLY:
            front()
    finally:
        for fn in reversed(CLEANUP):
            try:
                fn()
            except Exception as e:  # keep cleaning up
                print(f"perf: cleanup: {e}", file=sys.stderr)
    print(f"# Issue 11 figures, {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, beside pm2 7.0.4\n")
    print("| figure | pm2 (same run) | here | target |")
    print("|---|---|---|---|")
    for f, p, o, t in ROWS:
        print(f"| {f} | {p} | {o} | {t} |")


if __name__ == "__main__":
    main()
