package dev.supervisor.god;

import dev.supervisor.config.AppConfig;
import dev.supervisor.front.Backend;
import dev.supervisor.front.DrainResult;
import dev.supervisor.mbeans.NotificationTypes;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.process.ChildProcess;
import dev.supervisor.process.LaunchException;
import dev.supervisor.process.LaunchSpec;
import dev.supervisor.process.PortAllocator;
import dev.supervisor.process.ProcessPriority;
import dev.supervisor.process.ProcessSignaller;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.process.SocketOwners;
import dev.supervisor.readiness.ReadinessException;
import dev.supervisor.readiness.ReadinessProbe;
import dev.supervisor.reload.Replica;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One entry of the process table: an id, the process currently running under it, and its counters. Changed only
 * by its app's owner ({@link Mailbox}); other threads read its volatile fields. Process exits, readiness and
 * timers post their handling back to the owner. Every status change goes through {@link #transition}, which
 * checks the transition (and its reservation) and logs it; the event goes out after the owner's command.
 */
public final class Instance implements Replica {
    private static final Logger LOG = LogManager.getLogger(Instance.class);
    static final Duration SIGKILL_GRACE = Duration.ofSeconds(2);
    /** The daemon's nice value (its children's) and whether a lowered child's priority can be given back. */
    private static final int OWN_NICE = ProcessPriority.own();
    private static final boolean RESTORABLE_PRIORITY = ProcessPriority.canRestore();

    /** How a launch treats an exit before ready: a normal start restarts per policy; a reload's candidate does not. */
    public enum Mode { NORMAL, CANDIDATE }

    private final App app;
    private final int id;
    private final int index;
    private final InstanceServices services;
    private final long createdAt = System.currentTimeMillis();

    private volatile ProcessStatus status = ProcessStatus.STOPPED;
    private volatile AppConfig config;
    private volatile ChildProcess child;
    private volatile long startTicks;
    private volatile int privatePort;
    private volatile int restarts;
    private volatile int unstableRestarts;
    private volatile int generation;
    private volatile String lastExit = "";
    private volatile boolean aside;
    private Mode mode = Mode.NORMAL;
    private Duration backoff = Duration.ZERO;
    private boolean readinessFailed;
    private boolean doomed;
    private Object reservation;
    private ReadinessProbe probe;
    private CompletableFuture<Duration> ready = new CompletableFuture<>();
    private CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);
    private ScheduledFuture<?> pendingRestart;
    private Backend backend;
    /** The candidate process whose priority a reload lowered until it takes traffic. */
    private ChildProcess lowered;
    private final InstanceLogs logs;

    Instance(App app, int id, int index, AppConfig config, InstanceServices services) {
        this.app = app;
        this.id = id;
        this.index = index;
        this.config = config;
        this.services = services;
        this.logs = new InstanceLogs(services.logs(), services.logCapture());
    }

    @Override
    public int id() {
        return id;
    }

    public int index() {
        return index;
    }

    public App app() {
        return app;
    }

    public ProcessStatus status() {
        return status;
    }

    @Override
    public long pid() {
        ChildProcess c = child;
        return c == null ? 0 : c.pid();
    }

    /** The process's start time (/proc/PID/stat field 22), 0 when none: with the pid it names the process for good. */
    public long startTicks() {
        return child == null ? 0 : startTicks;
    }

    /** How many processes this entry has launched. */
    public int generation() {
        return generation;
    }

    @Override
    public boolean isServing() {
        return status == ProcessStatus.ONLINE && child != null;
    }

    @Override
    public String statusLabel() {
        return status.label();
    }

    public boolean isAside() {
        return aside;
    }

    public int restarts() {
        return restarts;
    }

    @Override
    public AppConfig config() {
        return config;
    }

    public ProcessInfo info() {
        ChildProcess c = child;
        ProcessStatus s = status;
        long uptime = c != null && s == ProcessStatus.ONLINE ? System.currentTimeMillis() - c.startedAtMillis() : 0;
        return new ProcessInfo(id, app.name(), config.namespace(), s.label(), c == null ? 0 : c.pid(), uptime, restarts,
                unstableRestarts, lastExit, index, privatePort, outPath().toString(), errPath().toString(), createdAt);
    }

    // ---- launching -------------------------------------------------------------------------------------

    /** Spawns the process. The returned future completes when it is ready; it fails at once if the launch cannot begin. */
    CompletableFuture<Duration> launch(Mode launchMode) {
        if (doomed) {
            throw new SupervisorException(this + " is being removed (delete or scale down)");
        }
        if (status.isRunning()) {
            throw new SupervisorException(this + " is already " + status.label() + " (pid " + pid() + ")");
        }
        cancelPendingRestart();
        this.mode = launchMode;
        this.readinessFailed = false;
        this.ready = new CompletableFuture<>();
        transition(ProcessStatus.LAUNCHING, launchMode == Mode.CANDIDATE ? "reload: new instance" : "start", null);
        spawn();
        return ready;
    }

    /**
     * Everything that can fail is done before the fork (log files, the port check, the probe), and what the fork
     * itself or the wiring after it cannot do is undone at once: a failed launch leaves no process, no open log
     * and no instance stuck in launching. The failure names the app, the instance and the cause.
     */
    private void spawn() {
        ChildProcess c = null;
        try {
            privatePort = config.hasFront() ? PortAllocator.freeLoopbackPort() : config.port();
            openLogs();
            if (!config.hasFront() && config.port() > 0) {
                PortAllocator.requireFree(config.port());
            }
            probe = services.probes().create(config, id, privatePort);
            Map<String, String> env = launchEnvironment();
            env.putAll(probe.environment());
            c = services.launcher().launch(new LaunchSpec(config.command(), config.cwd(), env));
            ReadinessProbe p = probe;
            Consumer<String> lines = p::onStdoutLine;
            logs.pump(app.name() + "-" + id + "-" + c.pid(), c.stdout(), c.stderr(), config,
                    config.readyPattern().isPresent() ? lines : null);
            child = c;
            startTicks = SocketOwners.startTime(c.pid()).orElse(0);
            generation++;
            ChildProcess spawned = c;
            c.onExit().thenAcceptAsync(code -> onExit(spawned, code), services.worker());
            CompletableFuture<Duration> launchReady = ready;
            p.await(spawned.process(), config.readinessTimeout())
                    .whenComplete((took, error) -> app.post(() -> onReadiness(spawned, launchReady, took, error)));
        } catch (RuntimeException e) {
            undoLaunch(c, e);
            return;
        }
        LOG.info("{} spawned pid {}{}: {}", this, c.pid(), privatePort > 0 ? " with PORT=" + privatePort : "",
                String.join(" ", config.command()));
    }

    /**
     * The CLI's environment merged with the app's env (never the daemon's own), then the instance's variables:
     * its index under instance_var and NODE_APP_INSTANCE (what Node apps read under pm2), increment_var, PORT.
     */
    public Map<String, String> launchEnvironment() {
        Map<String, String> env = new HashMap<>(config.launchEnv());
        env.put(config.instanceVar(), Integer.toString(index));
        env.put("NODE_APP_INSTANCE", Integer.toString(index));
        config.incrementVar().ifPresent(v -> {
            String base = env.getOrDefault(v, "0");
            try {
                env.put(v, Long.toString(Long.parseLong(base.trim()) + index));
            } catch (NumberFormatException e) {
                LOG.warn("{}[{}]: increment_var {}: '{}' is not a number; left as it is", app.name(), id, v, base);
            }
        });
        env.put("SUPERVISOR_APP", app.name());
        env.put("SUPERVISOR_ID", Integer.toString(id));
        if (privatePort > 0) {
            env.put("PORT", Integer.toString(privatePort));
        }
        return env;
    }

    /** A restart asked for by a user (pm2 counts it in ↺ too). */
    void countRestart() {
        app.requireOwner(this);
        restarts++;
    }

    /** A launch failed part-way: nothing of it may stay (process, probe, log files), and the instance is errored. */
    private void undoLaunch(ChildProcess c, RuntimeException cause) {
        if (c != null) {
            c.signalGroup("SIGKILL");
        }
        child = null;
        closeProbe();
        releaseLogs();
        String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        LaunchException failure = new LaunchException("cannot launch " + this + ": " + why);
        lastExit = "launch failed: " + why;
        ready.completeExceptionally(failure);
        LOG.warn("{}", failure.getMessage());
        transition(ProcessStatus.ERRORED, lastExit, null);
    }

    private void onReadiness(ChildProcess c, CompletableFuture<Duration> launchReady, Duration took, Throwable error) {
        if (c != child || status != ProcessStatus.LAUNCHING) {
            // The process already exited or was stopped: its exit decided what happens.
            launchReady.completeExceptionally(error != null ? unwrap(error)
                    : new ReadinessException("pid " + c.pid() + " " + (lastExit.isEmpty() ? "was stopped" : lastExit) + " before it was ready"));
            return;
        }
        if (error == null) {
            transition(ProcessStatus.ONLINE, "ready in " + took.toMillis() + " ms (" + probe.describe() + ")", null);
            closeProbe();
            if (mode == Mode.NORMAL) {
                joinFront();
            } // a reload's candidate joins the front as a step of the pipeline
            app.afterCommand(() -> launchReady.complete(took));
            return;
        }
        Throwable cause = unwrap(error);
        closeProbe();
        app.afterCommand(() -> launchReady.completeExceptionally(cause));
        if (mode == Mode.NORMAL && c.isAlive()) {
            // A timeout is never success: a normal start that never gets ready is killed and counted unstable.
            LOG.warn("{} pid {} {}; stopping it", this, c.pid(), cause.getMessage());
            readinessFailed = true;
            lastExit = cause.getMessage();
            signal(c, "SIGKILL");
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    // ---- exits and restarts ----------------------------------------------------------------------------

    /** On a worker: whatever stayed in the group (grandchildren) goes with the leader; then the owner decides. */
    private void onExit(ChildProcess c, int exitValue) {
        if (ProcessSignaller.groupAlive(c.pid())) {
            ProcessSignaller.send(c.pid(), "SIGKILL", true);
        }
        app.post(() -> handleExit(c, exitValue));
    }

    private void handleExit(ChildProcess c, int exitValue) {
        if (c != child) {
            return;
        }
        Duration uptime = Duration.ofMillis(System.currentTimeMillis() - c.startedAtMillis());
        String exit = ChildProcess.describeExit(exitValue);
        lastExit = readinessFailed ? lastExit : exit;
        child = null;
        closeProbe();
        leaveFrontAtOnce();
        LOG.info("{} pid {} exited with {} after {} ms", this, c.pid(), exit, uptime.toMillis());
        switch (status) {
            case STOPPING -> {
                transition(ProcessStatus.STOPPED, exit, null);
                completeStopped();
                return;
            }
            case REPLACING, DRAINING -> {
                // The reload holding it decides (its replacement takes the id, or a rollback relaunches it).
                transition(ProcessStatus.STOPPED, "died while being replaced: " + exit, null);
                return;
            }
            case STOPPED, ERRORED -> {
                return;
            }
            default -> {
            }
        }
        if (mode == Mode.CANDIDATE) {
            if (!ready.isDone()) {
                CompletableFuture<Duration> r = ready;
                app.afterCommand(() -> r.completeExceptionally(new ReadinessException("exited with " + exit + " before it was ready")));
            }
            transition(ProcessStatus.ERRORED, "new instance " + exit + " before it took traffic", null);
            return;
        }
        if (doomed) {
            transition(ProcessStatus.STOPPED, "being deleted: " + exit, null);
            return;
        }
        if (readinessFailed) {
            uptime = Duration.ZERO;
        }
        RestartPolicy.Decision d = RestartPolicy.decide(config, exitValue, uptime, unstableRestarts, backoff);
        unstableRestarts = d.unstableRestarts();
        backoff = d.backoff();
        switch (d.action()) {
            case STOP -> transition(ProcessStatus.STOPPED, d.reason(), null);
            case ERRORED -> {
                transition(ProcessStatus.ERRORED, d.reason(), null);
                String msg = this + " " + d.reason();
                app.afterCommand(() -> services.events().reloadEvent(NotificationTypes.RESTART_OVERLIMIT, app.name(), msg));
            }
            case RESTART -> {
                restarts++;
                if (d.delay().isZero()) {
                    relaunch(d.reason());
                } else {
                    transition(ProcessStatus.WAITING_RESTART, d.reason(), null);
                    pendingRestart = services.scheduler().schedule(() -> app.post(() -> delayedRelaunch(d.reason())),
                            d.delay().toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private void delayedRelaunch(String why) {
        pendingRestart = null;
        if (status == ProcessStatus.WAITING_RESTART && !doomed) {
            relaunch(why);
        }
    }

    private void relaunch(String why) {
        mode = Mode.NORMAL;
        readinessFailed = false;
        ready = new CompletableFuture<>();
        transition(ProcessStatus.LAUNCHING, why, null);
        spawn();
    }

    private void cancelPendingRestart() {
        if (pendingRestart != null) {
            pendingRestart.cancel(false);
            pendingRestart = null;
        }
    }

    // ---- stopping ------------------------------------------------------------------------------------

    /** Signals the group with kill_signal, then SIGKILL after kill_timeout. Completes when the process is gone. */
    CompletableFuture<Void> stop(String why) {
        return stopWith(config.killSignal(), config.killTimeout(), why, null);
    }

    /** A reload's candidate that must go (rollback, cancel): SIGKILL at once, it never was the one serving. */
    CompletableFuture<Void> kill(String why) {
        return stopWith("SIGKILL", Duration.ZERO, why, null);
    }

    /** STOP_OLD of a reload: the reserved (draining) instance, by the reload holding it. */
    CompletableFuture<Void> stopReserved(boolean graceful, String why, Object by) {
        return stopWith(config.killSignal(), graceful ? config.gracefulTimeout() : config.killTimeout(), why, by);
    }

    private CompletableFuture<Void> stopWith(String signal, Duration killAfter, String why, Object by) {
        cancelPendingRestart();
        if (status == ProcessStatus.STOPPING) {
            return stopped;
        }
        ChildProcess c = child;
        if (c == null) {
            if (status != ProcessStatus.STOPPED) {
                transition(ProcessStatus.STOPPED, why, by);
            }
            return CompletableFuture.completedFuture(null);
        }
        leaveFrontAtOnce();
        transition(ProcessStatus.STOPPING, why + ": " + signal + (killAfter.isZero() ? "" : ", SIGKILL after " + killAfter.toMillis() + " ms"), by);
        stopped = new CompletableFuture<>();
        signal(c, signal);
        if (!"SIGKILL".equals(signal)) {
            services.scheduler().schedule(() -> escalate(c), killAfter.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            services.scheduler().schedule(() -> app.post(() -> giveUp(c)), SIGKILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        return stopped;
    }

    /** Timer: the process outlived kill_timeout. The SIGKILL goes out off the timer thread. */
    private void escalate(ChildProcess c) {
        if (!c.isAlive()) {
            return;
        }
        services.signals().execute(() -> {
            LOG.warn("{} pid {} still alive after kill_timeout: SIGKILL", this, c.pid());
            c.signalGroup("SIGKILL");
            services.scheduler().schedule(() -> app.post(() -> giveUp(c)), SIGKILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** Every stop ends: a process that outlives SIGKILL (uninterruptible sleep) is reported, not waited for forever. */
    private void giveUp(ChildProcess c) {
        if (c == child && c.isAlive() && status == ProcessStatus.STOPPING) {
            transition(ProcessStatus.ERRORED, "pid " + c.pid() + " still alive after SIGKILL", null);
            completeStopped();
        }
    }

    private void completeStopped() {
        CompletableFuture<Void> s = stopped;
        app.afterCommand(() -> s.complete(null));
    }

    private void signal(ChildProcess c, String signal) {
        services.signals().execute(() -> c.signalGroup(signal));
    }

    void sendSignal(String signal) {
        ChildProcess c = child;
        if (c == null) {
            throw new SupervisorException(this + " has no running process (status " + status.label() + ")");
        }
        signal(c, signal);
    }

    void sendLine(String line) {
        ChildProcess c = child;
        if (c == null) {
            throw new SupervisorException(this + " has no running process (status " + status.label() + ")");
        }
        c.sendLine(line);
    }

    /** A delete holds this instance: nothing may launch it again (a restart, a reload, its restart policy). */
    /** Reserved by a delete or a scale-down: it is on its way out and nothing may launch it again. */
    boolean isDoomed() {
        return doomed;
    }

    void doom() {
        doomed = true;
        cancelPendingRestart();
    }

    void resetCounters() {
        restarts = 0;
        unstableRestarts = 0;
        backoff = Duration.ZERO;
    }

    // ---- reload support (each called by App for a step of the pipeline) --------------------------------

    /** SET_ASIDE: reserved by the reload; it keeps serving until drained. */
    void reserve(Object by) {
        transition(ProcessStatus.REPLACING, "set aside by a reload", by);
        aside = true;
    }

    /** Undo of SET_ASIDE: serving again under its id; relaunched if it died meanwhile. */
    void putBack(Object by) {
        aside = false;
        if (status == ProcessStatus.REPLACING) {
            transition(ProcessStatus.ONLINE, "reload rolled back", by);
        } else if (status == ProcessStatus.DRAINING) {
            rejoin(by);
            transition(ProcessStatus.ONLINE, "reload rolled back", by);
        }
        reservation = null;
        if (status == ProcessStatus.STOPPED && child == null) {
            launch(Mode.NORMAL);
        }
    }

    void inheritCounters(Instance old) {
        this.restarts = old.restarts + 1;
    }

    /**
     * A reload's candidate starts at a lower CPU priority (its whole process group, every thread), given back by
     * {@link #commit()}. Only when this daemon may give it back: a new instance must never serve at a lower priority.
     */
    void lowerPriority(int niceIncrement) {
        ChildProcess c = child;
        if (niceIncrement <= 0 || c == null || !RESTORABLE_PRIORITY) {
            return;
        }
        int to = Math.min(19, OWN_NICE + niceIncrement);
        if (ProcessPriority.setGroup(c.pid(), to)) {
            lowered = c;
            LOG.info("{} pid {} starts at nice {} until it takes traffic", this, c.pid(), to);
        }
    }

    /** JOIN_FRONT: the candidate takes traffic and from now on is restarted by its policy like any instance. */
    void commit() {
        if (status != ProcessStatus.ONLINE || child == null) {
            throw new SupervisorException("the new instance of " + this + " is " + status.label() + ", not online");
        }
        if (lowered == child) {
            // Given back before it serves: the priority it runs at from now on is the daemon's, as for any launch.
            // Twice: a thread the app was creating during the first walk may have copied the lower priority and
            // joined the group only after the walk passed; the second walk finds it.
            if (!ProcessPriority.setGroup(child.pid(), OWN_NICE) | !ProcessPriority.setGroup(child.pid(), OWN_NICE)) {
                LOG.warn("{} pid {}: could not give its priority back (nice {})", this, child.pid(), OWN_NICE);
            }
            lowered = null;
        }
        mode = Mode.NORMAL;
        joinFront();
    }

    /** Completes when it has its full share of the front's new work (at once without a front or a warm-up). */
    CompletableFuture<Void> warmedUp() {
        return backend == null ? CompletableFuture.completedFuture(null) : app.frontWarmedUp(backend);
    }

    /** Undo of JOIN_FRONT. */
    void uncommit() {
        leaveFrontAtOnce();
        mode = Mode.CANDIDATE;
    }

    /** LEAVE_FRONT_AND_DRAIN: out of the front's pool; completes when its in-flight work is done. */
    CompletableFuture<DrainResult> drain(Object by) {
        if (status == ProcessStatus.REPLACING) {
            transition(ProcessStatus.DRAINING, "replaced by a new instance", by);
        }
        Backend b = backend;
        backend = null;
        return b == null ? CompletableFuture.completedFuture(new DrainResult(0, false)) : app.frontLeave(b, config.killTimeout());
    }

    /** Scale-down: out of the front's pool first; completes when its in-flight work is done. */
    CompletableFuture<DrainResult> drainForScaleDown() {
        Backend b = backend;
        backend = null;
        return b == null ? CompletableFuture.completedFuture(new DrainResult(0, false)) : app.frontLeave(b, config.killTimeout());
    }

    /** Undo of LEAVE_FRONT_AND_DRAIN. */
    void rejoin(Object by) {
        if (status == ProcessStatus.DRAINING) {
            transition(ProcessStatus.REPLACING, "drain undone", by);
            joinFront();
        }
    }

    void updateConfig(AppConfig newConfig) {
        app.requireOwner(this);
        this.config = newConfig;
    }

    // ---- internals -----------------------------------------------------------------------------------

    private void joinFront() {
        ChildProcess c = child;
        if (config.hasFront() && c != null && backend == null) {
            backend = new Backend(app.name() + ":" + id + ":" + c.pid(), new InetSocketAddress("127.0.0.1", privatePort));
            app.frontJoin(backend);
        }
    }

    private void leaveFrontAtOnce() {
        if (backend != null) {
            app.frontLeave(backend, Duration.ZERO);
            backend = null;
        }
    }

    private void closeProbe() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    private void openLogs() {
        logs.open(outPath(), errPath(), config.logFile().map(f -> services.logDir().resolve(f)).orElse(null), config);
    }

    /** Called when the entry leaves the table for good, or a launch is undone. */
    void releaseLogs() {
        logs.release();
    }

    public Path outPath() {
        return config.outFile().orElseGet(() -> services.logDir().resolve(
                config.mergeLogs() ? app.name() + "-out.log" : app.name() + "-" + id + "-out.log"));
    }

    public Path errPath() {
        return config.errorFile().orElseGet(() -> services.logDir().resolve(
                config.mergeLogs() ? app.name() + "-error.log" : app.name() + "-" + id + "-error.log"));
    }

    /**
     * The one place a status changes: on the owner, allowed by the table, and a reserved transition only by the
     * reload holding the instance. Anything else fails loudly, naming both statuses.
     */
    private void transition(ProcessStatus to, String why, Object by) {
        app.requireOwner(this);
        ProcessStatus from = status;
        if (!from.canBecome(to)) {
            throw new IllegalStateException(this + ": " + from.label() + " -> " + to.label() + " is not a valid transition (" + why + ")");
        }
        if (from.isReservedTransition(to)) {
            boolean holder = by != null && (to == ProcessStatus.REPLACING && from == ProcessStatus.ONLINE ? reservation == null : by == reservation);
            if (!holder) {
                throw new IllegalStateException(this + ": " + from.label() + " -> " + to.label()
                        + " is reserved for the reload replacing it (" + why + ")");
            }
        }
        if (to == ProcessStatus.REPLACING && from == ProcessStatus.ONLINE) {
            reservation = by;
        }
        status = to;
        LOG.info("{} {} -> {}{}", this, from.label(), to.label(), why.isEmpty() ? "" : " (" + why + ")");
        app.afterCommand(() -> services.events().statusChanged(this, from, to, why));
    }

    @Override
    public String toString() {
        return app.name() + "[" + id + "]";
    }
}
