#!/usr/bin/env python3
"""A/B of the daemon's idle footprint: daemons side by side, one per variant, each in the foreground with the
default flags of bin/supervisor (SUPERVISOR_DAEMON_OPTS' default line) plus the variant's, 5 idle /bin/sleep apps
started through the CLI; after WAIT seconds it prints VmRSS, RssAnon, RssFile and threads from /proc, then stops them.

usage: bench/footprint-ab.py WAIT name:jar:console[:extra JVM options] ...
  jar      a jar in supervisor/target (copy a build aside, e.g. cp supervisor.jar base.jar, to compare two builds)
  extra    JVM options; a word ENV_NAME=value sets NAME=value in that daemon's environment (e.g. ENV_MALLOC_ARENA_MAX=2)
  console  true|false (SUPERVISOR_CONSOLE_ENABLED)
e.g. bench/footprint-ab.py 25 a:base.jar:false b:supervisor.jar:false c:supervisor.jar:false:-Xmn1m
KEEP=1 leaves them running (prints their pids) for jcmd/jstack; stop each with SUPERVISOR_HOME=... bin/supervisor kill.
Homes under $TMPDIR/footprint-ab-<name>; ports are free ephemeral ones on 127.0.0.1
(FOOTPRINT_PORT_BASE=N: N+1, N+2, ... instead)."""
import json, os, socket, subprocess, sys, tempfile, time, shutil
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as B  # noqa: E402  (daemon_jvm_options)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


PORT_BASE = int(os.environ.get("FOOTPRINT_PORT_BASE", "0"))  # set: ports from there up, else free ephemeral ones
_next = [PORT_BASE]


def free_port():
    if PORT_BASE:
        _next[0] += 1
        return _next[0]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WAIT = float(sys.argv[1])
variants = [a.split(":", 3) for a in sys.argv[2:]]
opts = B.daemon_jvm_options()
procs = []
for i, v in enumerate(variants):
    name, jar, console = v[0], v[1], v[2]
    extra = v[3].split() if len(v) > 3 and v[3] else []
    home = os.path.join(tempfile.gettempdir(), f"footprint-ab-{name}")
    shutil.rmtree(home, ignore_errors=True); os.makedirs(home)
    env = dict(os.environ, SUPERVISOR_HOME=home, SUPERVISOR_JOLOKIA_PORT=str(free_port()), SUPERVISOR_CONSOLE_PORT=str(free_port()),
               SUPERVISOR_METRICS_PORT=str(free_port()), SUPERVISOR_CONSOLE_ENABLED=console)
    log4j = next((e for e in extra if e.startswith("-Dlog4j.configurationFile")), f"-Dlog4j.configurationFile={ROOT}/conf/log4j2.xml")
    extra = [e for e in extra if not e.startswith("-Dlog4j.configurationFile")]
    env.update(e[4:].split("=", 1) for e in extra if e.startswith("ENV_"))
    extra = [e for e in extra if not e.startswith("ENV_")]
    cmd = ["java", *opts, *extra, f"-Dsupervisor.install={ROOT}", log4j, "-cp", f"{ROOT}/supervisor/target/{jar}", "dev.supervisor.daemon.Daemon"]
    p = subprocess.Popen(cmd, env=env, stdout=open(home + "/out", "w"), stderr=subprocess.STDOUT)
    procs.append((name, p, env, home))
for name, p, env, home in procs:
    f = home + "/apps.json"
    json.dump({"apps": [{"name": f"s{i}", "script": "/bin/sleep", "args": "3600"} for i in range(5)]}, open(f, "w"))
    for _ in range(200):
        if os.path.exists(home + "/supervisor.pid"): break
        time.sleep(0.1)
    r = subprocess.run([ROOT + "/bin/supervisor", "start", f], env=env, capture_output=True, text=True)
    if r.returncode: print(name, "start failed", r.stdout, r.stderr)
def stop():
    for name, p, env, home in procs:
        if p.poll() is None:
            subprocess.run([ROOT + "/bin/supervisor", "kill"], env=env, capture_output=True)
        try: p.wait(15)
        except subprocess.TimeoutExpired: p.kill()
time.sleep(WAIT)
for name, p, env, home in procs:
    if p.poll() is not None:
        print(name, "exited", open(home + "/out").read()); continue
    st = {}
    for line in open(f"/proc/{p.pid}/status"):
        k, _, val = line.partition(":"); st[k] = val.strip()
    kb = lambda k: int(st[k].split()[0]) / 1024
    print(f"{name:12} pid {p.pid} RSS {kb('VmRSS'):6.1f} anon {kb('RssAnon'):5.1f} file {kb('RssFile'):5.1f} threads {st['Threads']}", flush=True)
if os.environ.get("KEEP"):
    print("kept:", " ".join(f"{p.pid} (SUPERVISOR_HOME={h} SUPERVISOR_JOLOKIA_PORT={e['SUPERVISOR_JOLOKIA_PORT']})" for _, p, e, h in procs)); sys.exit(0)
stop()
