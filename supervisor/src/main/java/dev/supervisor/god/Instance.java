package dev.supervisor.god;

import dev.supervisor.config.AppConfig;
import dev.supervisor.front.Backend;
import dev.supervisor.front.DrainResult;
import dev.supervisor.logs.LineOptions;
import dev.supervisor.logs.LogDateFormat;
import dev.supervisor.logs.LogPump;
import dev.supervisor.logs.LogSink;
import dev.supervisor.logs.RotatingLogFile;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.process.ChildProcess;
import dev.supervisor.process.LaunchSpec;
import dev.supervisor.process.PortAllocator;
import dev.supervisor.process.ProcessSignaller;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.readiness.ReadinessException;
import dev.supervisor.readiness.ReadinessProbe;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One entry of the process table: an id, the process currently running under it, and its counters. The
 * restart policy keeps the entry across crashes; a reload replaces the whole entry (the old one is set
 * aside and drained). Every status change goes through {@link #transition}, which checks and logs it.
 */
public final class Instance {
    private static final Logger LOG = LogManager.getLogger(Instance.class);
    private static final Duration SIGKILL_GRACE = Duration.ofSeconds(2);

    /** How a launch treats an exit before ready: a normal start restarts per policy; a reload's candidate does not. */
    public enum Mode { NORMAL, CANDIDATE }

    private final App app;
    private final int id;
    private final int index;
    private final InstanceServices services;
    private final long createdAt = System.currentTimeMillis();

    private ProcessStatus status = ProcessStatus.STOPPED;
    private AppConfig config;
    private Mode mode = Mode.NORMAL;
    private ChildProcess child;
    private int privatePort;
    private int restarts;
    private int unstableRestarts;
    private Duration backoff = Duration.ZERO;
    private String lastExit = "";
    private boolean readinessFailed;
    private boolean aside;
    private ReadinessProbe probe;
    private CompletableFuture<Duration> ready = new CompletableFuture<>();
    private CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);
    private ScheduledFuture<?> pendingRestart;
    private Backend backend;
    private RotatingLogFile outLog;
    private RotatingLogFile errLog;
    private RotatingLogFile combinedLog;

    Instance(App app, int id, int index, AppConfig config, InstanceServices services) {
        this.app = app;
        this.id = id;
        this.index = index;
        this.config = config;
        this.services = services;
    }

    public int id() {
        return id;
    }

    public int index() {
        return index;
    }

    public App app() {
        return app;
    }

    public synchronized ProcessStatus status() {
        return status;
    }

    public synchronized long pid() {
        return child == null ? 0 : child.pid();
    }

    public synchronized boolean isAside() {
        return aside;
    }

    public synchronized int restarts() {
        return restarts;
    }

    public synchronized AppConfig config() {
        return config;
    }

    public synchronized ProcessInfo info() {
        long uptime = child != null && status == ProcessStatus.ONLINE ? System.currentTimeMillis() - child.startedAtMillis() : 0;
        return new ProcessInfo(id, app.name(), config.namespace(), status.label(), pid(), uptime, restarts,
                unstableRestarts, lastExit, index, privatePort, outPath().toString(), errPath().toString(), createdAt);
    }

    // ---- launching -------------------------------------------------------------------------------------

    /** Spawns the process. The returned future completes when it is ready. */
    public synchronized CompletableFuture<Duration> launch(Mode launchMode) {
        if (status.isRunning()) {
            throw new SupervisorException(app.name() + "[" + id + "] is already " + status.label() + " (pid " + pid() + ")");
        }
        cancelPendingRestart();
        this.mode = launchMode;
        this.readinessFailed = false;
        this.ready = new CompletableFuture<>();
        transition(ProcessStatus.LAUNCHING, launchMode == Mode.CANDIDATE ? "reload: new instance" : "start");
        spawn();
        return ready;
    }

    private void spawn() {
        privatePort = config.hasFront() ? PortAllocator.freeLoopbackPort() : config.port();
        ChildProcess c;
        try {
            probe = services.probes().create(config, id, privatePort);
            Map<String, String> env = launchEnvironment();
            env.putAll(probe.environment());
            c = ChildProcess.launch(new LaunchSpec(config.command(), config.cwd(), env));
        } catch (RuntimeException e) {
            closeProbe();
            lastExit = "launch failed: " + e.getMessage();
            ready.completeExceptionally(new ReadinessException(e.getMessage()));
            transition(ProcessStatus.ERRORED, e.getMessage());
            return;
        }
        child = c;
        openLogs();
        ReadinessProbe p = probe;
        Consumer<String> lines = p::onStdoutLine;
        DateTimeFormatter prefix = config.logDateFormat().map(LogDateFormat::parse).orElse(null);
        String thread = app.name() + "-" + id + "-" + c.pid();
        LogPump.start(thread + "-out", c.stdout(), withCombined(outLog), new LineOptions(prefix, config.readyPattern().isPresent() ? lines : null));
        LogPump.start(thread + "-err", c.stderr(), withCombined(errLog), new LineOptions(prefix, null));
        c.onExit().thenAcceptAsync(code -> onExit(c, code), services.worker());
        CompletableFuture<Duration> launchReady = ready;
        c.awaitReady(p, config.readinessTimeout()).whenCompleteAsync((took, error) -> onReadiness(c, launchReady, took, error), services.worker());
        LOG.info("{}[{}] spawned pid {}{}: {}", app.name(), id, c.pid(), privatePort > 0 ? " with PORT=" + privatePort : "",
                String.join(" ", config.command()));
    }

    /**
     * The CLI's environment merged with the app's env (never the daemon's own), then the instance's variables:
     * its index under instance_var and NODE_APP_INSTANCE (what Node apps read under pm2), increment_var, PORT.
     */
    public synchronized Map<String, String> launchEnvironment() {
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
    synchronized void countRestart() {
        restarts++;
    }

    private synchronized void onReadiness(ChildProcess c, CompletableFuture<Duration> launchReady, Duration took, Throwable error) {
        if (c != child || status != ProcessStatus.LAUNCHING) {
            // The process already exited or was stopped: its exit decided what happens.
            launchReady.completeExceptionally(error != null ? unwrap(error)
                    : new ReadinessException("pid " + c.pid() + " " + (lastExit.isEmpty() ? "was stopped" : lastExit) + " before it was ready"));
            return;
        }
        if (error == null) {
            transition(ProcessStatus.ONLINE, "ready in " + took.toMillis() + " ms (" + probe.describe() + ")");
            closeProbe();
            if (config.hasFront()) {
                backend = new Backend(app.name() + ":" + id + ":" + c.pid(), new InetSocketAddress("127.0.0.1", privatePort));
                app.frontJoin(backend);
            }
            launchReady.complete(took);
            return;
        }
        Throwable cause = unwrap(error);
        closeProbe();
        launchReady.completeExceptionally(cause);
        if (mode == Mode.NORMAL && c.isAlive()) {
            // A timeout is never success: a normal start that never gets ready is killed and counted unstable.
            LOG.warn("{}[{}] pid {} {}; stopping it", app.name(), id, c.pid(), cause.getMessage());
            readinessFailed = true;
            lastExit = cause.getMessage();
            c.signalGroup("SIGKILL");
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    // ---- exits and restarts ----------------------------------------------------------------------------

    private void onExit(ChildProcess c, int exitValue) {
        boolean leftovers = ProcessSignaller.groupAlive(c.pid());
        if (leftovers) {
            // The leader is gone; whatever stayed in its group (grandchildren) goes with it.
            ProcessSignaller.send(c.pid(), "SIGKILL", true);
        }
        handleExit(c, exitValue);
    }

    private synchronized void handleExit(ChildProcess c, int exitValue) {
        if (c != child) {
            return;
        }
        Duration uptime = Duration.ofMillis(System.currentTimeMillis() - c.startedAtMillis());
        String exit = ChildProcess.describeExit(exitValue);
        lastExit = readinessFailed ? lastExit : exit;
        child = null;
        closeProbe();
        leaveFrontAtOnce();
        LOG.info("{}[{}] pid {} exited with {} after {} ms", app.name(), id, c.pid(), exit, uptime.toMillis());
        switch (status) {
            case STOPPING, DRAINING -> {
                transition(ProcessStatus.STOPPED, exit);
                stopped.complete(null);
                return;
            }
            case STOPPED, ERRORED -> {
                return;
            }
            default -> {
            }
        }
        if (mode == Mode.CANDIDATE && !ready.isDone()) {
            ready.completeExceptionally(new ReadinessException("exited with " + exit + " before it was ready"));
        }
        if (mode == Mode.CANDIDATE && status == ProcessStatus.LAUNCHING) {
            transition(ProcessStatus.ERRORED, "new instance " + exit + " before it was ready");
            return;
        }
        if (readinessFailed) {
            uptime = Duration.ZERO;
        }
        RestartPolicy.Decision d = RestartPolicy.decide(config, exitValue, uptime, unstableRestarts, backoff);
        unstableRestarts = d.unstableRestarts();
        backoff = d.backoff();
        switch (d.action()) {
            case STOP -> transition(ProcessStatus.STOPPED, d.reason());
            case ERRORED -> {
                transition(ProcessStatus.ERRORED, d.reason());
                services.events().reloadEvent(dev.supervisor.mbeans.NotificationTypes.RESTART_OVERLIMIT, app.name(),
                        app.name() + "[" + id + "] " + d.reason());
            }
            case RESTART -> {
                restarts++;
                if (d.delay().isZero()) {
                    relaunch(d.reason());
                } else {
                    transition(ProcessStatus.WAITING_RESTART, d.reason());
                    pendingRestart = services.scheduler().schedule(() -> delayedRelaunch(d.reason()), d.delay().toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private synchronized void delayedRelaunch(String why) {
        pendingRestart = null;
        if (status == ProcessStatus.WAITING_RESTART) {
            relaunch(why);
        }
    }

    private void relaunch(String why) {
        mode = Mode.NORMAL;
        readinessFailed = false;
        ready = new CompletableFuture<>();
        transition(ProcessStatus.LAUNCHING, why);
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
    public synchronized CompletableFuture<Void> stop(String why) {
        return stopWith(config.killSignal(), config.killTimeout(), why);
    }

    /** softReload: kill_signal, then up to graceful_timeout for the process to exit by itself. */
    public synchronized CompletableFuture<Void> stopGracefully(String why) {
        return stopWith(config.killSignal(), config.gracefulTimeout(), why);
    }

    private CompletableFuture<Void> stopWith(String signal, Duration killAfter, String why) {
        cancelPendingRestart();
        if (status == ProcessStatus.STOPPING) {
            return stopped;
        }
        if (child == null) {
            if (status != ProcessStatus.STOPPED) {
                transition(ProcessStatus.STOPPED, why);
            }
            return CompletableFuture.completedFuture(null);
        }
        leaveFrontAtOnce();
        transition(ProcessStatus.STOPPING, why + ": " + signal + ", SIGKILL after " + killAfter.toMillis() + " ms");
        stopped = new CompletableFuture<>();
        ChildProcess c = child;
        c.signalGroup(signal);
        services.scheduler().schedule(() -> escalate(c), killAfter.toMillis(), TimeUnit.MILLISECONDS);
        return stopped;
    }

    private void escalate(ChildProcess c) {
        if (!c.isAlive()) {
            return;
        }
        LOG.warn("{}[{}] pid {} still alive after kill_timeout: SIGKILL", app.name(), id, c.pid());
        c.signalGroup("SIGKILL");
        services.scheduler().schedule(() -> {
            synchronized (this) {
                if (c.isAlive() && c == child) {
                    transition(ProcessStatus.ERRORED, "pid " + c.pid() + " still alive after SIGKILL");
                    stopped.complete(null);
                }
            }
        }, SIGKILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void sendSignal(String signal) {
        if (child == null) {
            throw new SupervisorException(app.name() + "[" + id + "] has no running process (status " + status.label() + ")");
        }
        child.signalGroup(signal);
    }

    public synchronized void sendLine(String line) {
        if (child == null) {
            throw new SupervisorException(app.name() + "[" + id + "] has no running process (status " + status.label() + ")");
        }
        child.sendLine(line);
    }

    public synchronized void resetCounters() {
        restarts = 0;
        unstableRestarts = 0;
        backoff = Duration.ZERO;
    }

    // ---- reload support ------------------------------------------------------------------------------

    /** Marks this entry as set aside by a reload: it keeps serving until {@link #drain}. */
    synchronized void setAside(boolean isAside) {
        this.aside = isAside;
    }

    synchronized void inheritCounters(Instance old) {
        this.restarts = old.restarts() + 1;
    }

    /** Takes this (old) instance out of the front's pool and waits until its in-flight work is done. */
    public CompletableFuture<DrainResult> drain(Duration timeout) {
        Backend b;
        synchronized (this) {
            if (status == ProcessStatus.ONLINE) {
                transition(ProcessStatus.DRAINING, "replaced by a new instance");
            }
            b = backend;
            backend = null;
        }
        return b == null ? CompletableFuture.completedFuture(new DrainResult(0, false)) : app.frontLeave(b, timeout);
    }

    synchronized void updateConfig(AppConfig newConfig) {
        this.config = newConfig;
    }

    // ---- internals -----------------------------------------------------------------------------------

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

    /** pm2's log_file: each stream also goes to the app's combined log. */
    private LogSink withCombined(RotatingLogFile log) {
        RotatingLogFile both = combinedLog;
        if (both == null) {
            return log;
        }
        return (bytes, offset, length) -> {
            log.write(bytes, offset, length);
            both.write(bytes, offset, length);
        };
    }

    private void openLogs() {
        if (combinedLog == null && config.logFile().isPresent()) {
            combinedLog = services.logs().acquire(services.logDir().resolve(config.logFile().get()), config.logPolicy());
        }
        if (outLog == null) {
            outLog = services.logs().acquire(outPath(), config.logPolicy());
        }
        if (errLog == null) {
            errLog = services.logs().acquire(errPath(), config.logPolicy());
        }
    }

    /** Called when the entry leaves the table for good. */
    synchronized void releaseLogs() {
        if (outLog != null) {
            services.logs().release(outLog);
            outLog = null;
        }
        if (errLog != null) {
            services.logs().release(errLog);
            errLog = null;
        }
        if (combinedLog != null) {
            services.logs().release(combinedLog);
            combinedLog = null;
        }
    }

    public Path outPath() {
        return config.outFile().orElseGet(() -> services.logDir().resolve(
                config.mergeLogs() ? app.name() + "-out.log" : app.name() + "-" + id + "-out.log"));
    }

    public Path errPath() {
        return config.errorFile().orElseGet(() -> services.logDir().resolve(
                config.mergeLogs() ? app.name() + "-error.log" : app.name() + "-" + id + "-error.log"));
    }

    private void transition(ProcessStatus to, String why) {
        ProcessStatus from = status;
        if (!from.canBecome(to)) {
            throw new IllegalStateException(app.name() + "[" + id + "]: " + from.label() + " -> " + to.label() + " is not a valid transition");
        }
        status = to;
        LOG.info("{}[{}] {} -> {}{}", app.name(), id, from.label(), to.label(), why.isEmpty() ? "" : " (" + why + ")");
        services.events().statusChanged(this, from, to, why);
    }

    @Override
    public String toString() {
        return app.name() + "[" + id + "]";
    }
}
