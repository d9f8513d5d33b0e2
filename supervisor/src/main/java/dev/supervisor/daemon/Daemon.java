package dev.supervisor.daemon;

import dev.supervisor.config.AppConfig;
import dev.supervisor.config.AppsFileLoader;
import dev.supervisor.config.DaemonSettings;
import dev.supervisor.config.DaemonSettingsLoader;
import dev.supervisor.config.PrivateFiles;
import dev.supervisor.front.Front;
import dev.supervisor.front.FrontEventLoops;
import dev.supervisor.front.Fronts;
import dev.supervisor.god.DumpFile;
import dev.supervisor.god.App;
import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.god.InstanceServices;
import dev.supervisor.god.MemoryLimit;
import dev.supervisor.logs.LogCapture;
import dev.supervisor.logs.LogFiles;
import dev.supervisor.logs.PipeMultiplexer;
import dev.supervisor.process.ChildLauncher;
import dev.supervisor.process.ChildProcess;
import dev.supervisor.process.NativeLauncher;
import dev.supervisor.management.AccessPolicy;
import dev.supervisor.management.Credentials;
import dev.supervisor.management.JmxRemoteConnector;
import dev.supervisor.management.JolokiaAgent;
import dev.supervisor.management.console.HawtioConsole;
import dev.supervisor.management.MBeanRegistrar;
import dev.supervisor.management.SupervisorMetrics;
import dev.supervisor.metrics.ProcessGroups;
import dev.supervisor.metrics.Sampler;
import dev.supervisor.readiness.ReadinessProbe;
import dev.supervisor.readiness.ReadinessProbes;
import dev.supervisor.readiness.ReadinessSpec;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The supervisor daemon: builds the whole object graph in one place, owns its lifecycle, and closes it in
 * reverse order. Tests build one in-process with {@link #start}; {@link #main} runs it as the daemon process.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Daemon.class);
    private static final java.time.Duration KILL_REPLY_GRACE = java.time.Duration.ofMillis(300);
    /**
     * How long a pool keeps a thread with no work. A burst (a start of many apps, a CLI session) reuses its threads;
     * an idle daemon gives them back (each held ~100-200 KiB of stack and native state) instead of after 60 s.
     */
    static final java.time.Duration IDLE_THREAD_KEEP_ALIVE = java.time.Duration.ofSeconds(10);

    private final DaemonSettings settings;
    private final List<AutoCloseable> closeInReverse = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile God god;
    private Sampler sampler;
    private JolokiaAgent jolokia;
    private Credentials credentials;
    private volatile HawtioConsole console;
    private volatile String consoleStatus = "not started";
    private volatile String jmxStatus = "not started";
    private volatile String metricsStatus = "not started";
    private volatile SupervisorMetrics metrics;
    private FrontLoopsOnDemand frontLoops;

    private Daemon(DaemonSettings settings) {
        this.settings = settings;
    }

    public static Daemon start(DaemonSettings settings) {
        Daemon d = new Daemon(settings);
        try {
            d.build();
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void build() {
        // The JDK HttpServer under Jolokia must not wait on delayed ACKs (see stack.md).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        createHome();
        // Before anything reads or writes the home: its run record, credentials and policy may be a live daemon's.
        closeInReverse.add(HomeLock.acquire(settings.home(), settings.pidFile()));
        credentials = Credentials.loadOrCreate(settings.credentialsFile());
        Path policy = AccessPolicy.write(settings);

        // Timers only post to an app's owner or hand work on; blocking work has threads of its own, so that a
        // slow ready_url GET, a /bin/kill or a /proc scan never delays a 5 ms readiness poll or a restart timer.
        // Every pool gives its threads back after IDLE_THREAD_KEEP_ALIVE without work (a scheduler keeps one while it
        // holds a periodic task): an idle daemon holds no thread that only waits for work, a burst makes them again.
        ScheduledExecutorService scheduler = scheduledPool(2, "supervisor-timer");
        closeInReverse.add(scheduler::shutdownNow);
        ScheduledExecutorService probeScheduler = scheduledPool(2, "supervisor-probe");
        closeInReverse.add(probeScheduler::shutdownNow);
        ScheduledExecutorService urlScheduler = scheduledPool(2, "supervisor-ready-url");
        closeInReverse.add(urlScheduler::shutdownNow);
        ExecutorService worker = cachedPool("supervisor-worker");
        closeInReverse.add(worker::shutdownNow);
        ExecutorService signals = cachedPool("supervisor-signal");
        closeInReverse.add(signals::shutdownNow);
        ExecutorService owners = cachedPool("supervisor-owner");
        closeInReverse.add(owners::shutdownNow);
        ExecutorService reloads = cachedPool("supervisor-reload");
        closeInReverse.add(reloads::shutdownNow);
        LogFiles logs = new LogFiles(settings.logPermissions());
        closeInReverse.add(logs);
        // Made with the first front: an idle daemon whose apps have none never loads Netty.
        FrontLoopsOnDemand loops = new FrontLoopsOnDemand(FrontEventLoops::new);
        closeInReverse.add(loops);
        this.frontLoops = loops;

        ChildLauncher launcher = ChildProcess::launch;
        LogCapture logCapture = LogCapture.threadPerStream();
        if (NativeLauncher.available() && !"jdk".equals(System.getProperty("supervisor.childIo"))) {
            // One reaper thread and one epoll thread for all children instead of three threads each.
            NativeLauncher spawner = new NativeLauncher();
            closeInReverse.add(spawner);
            PipeMultiplexer pipes = new PipeMultiplexer();
            closeInReverse.add(pipes);
            launcher = spawner;
            logCapture = pipes;
        } else {
            LOG.info("child I/O: the JDK's Process and a thread per stream (posix_spawn via JNA unavailable or off)");
        }

        // The sampler reads the God's table through a small interface of its own; it starts once the God exists.
        Sampler sampler = new Sampler(this::liveGroups, settings.sampleInterval());
        closeInReverse.add(sampler);
        this.sampler = sampler;
        SupervisorMetrics metrics = new SupervisorMetrics(() -> god, sampler);
        closeInReverse.add(metrics);
        MBeanRegistrar registrar = new MBeanRegistrar(ManagementFactory.getPlatformMBeanServer(), sampler, metrics);
        ReadinessProbes probes = new ReadinessProbes(probeScheduler, urlScheduler, settings.home().resolve("run"));
        InstanceServices services = new InstanceServices(scheduler, worker, signals, owners,
                (app, id, port) -> probeFor(probes, app, id, port), logs, settings.logDir(), registrar, launcher, logCapture);
        god = new God(new AppsFileLoader(settings.logs()), services,
                app -> startFront(app, loops),
                new DumpFile(settings.dumpFile()), reloads);
        RunRecord record = new RunRecord(settings.home().resolve("run").resolve("state.json"), RunRecord.writerThread());
        closeInReverse.add(registrar);
        // Closed after the God (reverse order): a clean shutdown deletes the record once every app has stopped.
        closeInReverse.add(record);
        closeInReverse.add(god);
        registrar.registerGod(god, Installation.version(), settings.home(), this::closeAndExitAfterReply, this::consoleStatus,
                this::jmxStatus, this::metricsStatus);
        sampler.start();

        // The timer hands the memory check (a /proc read per process) to a worker: no thread of its own that
        // wakes every 30 s. One check at a time, as on a thread of its own: a round still running skips the next.
        MemoryLimit memoryLimit = new MemoryLimit(god);
        AtomicBoolean memoryCheckRunning = new AtomicBoolean();
        scheduler.scheduleAtFixedRate(() -> {
            if (memoryCheckRunning.compareAndSet(false, true)) {
                worker.execute(() -> {
                    try {
                        memoryLimit.checkOnce();
                    } catch (RuntimeException e) {
                        LOG.error("memory limit check failed", e);
                    } finally {
                        memoryCheckRunning.set(false);
                    }
                });
            }
        }, MemoryLimit.INTERVAL.toMillis(), MemoryLimit.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);

        // Quiet apps' log files give their descriptors back (reopened on the next line): fds per process stay low.
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                logs.closeIdle(java.time.Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                LOG.warn("closing idle log files failed: {}", e.getMessage());
            }
        }, 15, 15, TimeUnit.SECONDS);

        recoverOrStartEmpty(record);
        god.recordInto(record);
        record.attach(god);
        jolokia = new JolokiaAgent(settings, credentials, policy);
        closeInReverse.add(jolokia);
        startConsole(policy);
        startJmxConnector();
        startMetrics(metrics);
        LOG.info("supervisor {} ready: Jolokia at {}, home {}", Installation.version(), jolokia.url(), settings.home());
    }

    /**
     * A run record left behind means the previous daemon died without stopping its apps: stop what it left and
     * restore what ran, from the record. No record means a clean start: an empty daemon (pm2's "sticky kill"), unless
     * the boot unit asks for the saved dump (SUPERVISOR_RESURRECT=1, set by {@code supervisor startup}).
     */
    private void recoverOrStartEmpty(RunRecord record) {
        if (record.exists()) {
            try {
                Recovery.Outcome o = Recovery.recover(record.read(), god, record.file().toString());
                LOG.warn("the previous daemon died without stopping its apps: {} leftover process(es) stopped, {} already gone; "
                        + "restored {}", o.stopped(), o.skipped(), o.restored());
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot recover from the run record {}: {}", record.file(), e.toString());
            }
            return;
        }
        if (resurrectAtStart() && god.hasDump()) {
            try {
                LOG.info("resurrecting {}", god.resurrect());
            } catch (RuntimeException e) {
                LOG.error("could not resurrect {}: {}", settings.dumpFile(), e.getMessage());
            }
        }
    }

    /** The boot unit's switch: resurrect the saved dump when the daemon starts clean. */
    static boolean resurrectAtStart() {
        String v = System.getenv().getOrDefault("SUPERVISOR_RESURRECT", "");
        return v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes");
    }

    /** The console starts in the background: the CLI need not wait for hawtio to unpack. A failure leaves it down. */
    private void startConsole(Path policy) {
        if (!settings.consoleEnabled()) {
            consoleStatus = "disabled (console_enabled: false)";
            return;
        }
        try {
            HawtioConsole c = new HawtioConsole(settings, HawtioConsole.locateWar(settings.installDir()), policy);
            console = c;
            closeInReverse.add(c);
            c.startAsync().whenComplete((ok, error) -> {
                if (error == null) {
                    LOG.info("console {}", c.status());
                } else {
                    LOG.error("console {}", c.status());
                }
            });
        } catch (RuntimeException e) {
            consoleStatus = "down: " + e.getMessage();
            LOG.error("console {}", consoleStatus);
        }
    }

    private void startJmxConnector() {
        if (settings.jmxPort() <= 0) {
            jmxStatus = "off (set jmx_port or SUPERVISOR_JMX_PORT; local attach works)";
            return;
        }
        JmxRemoteConnector c = new JmxRemoteConnector(settings);
        try {
            c.start();
            closeInReverse.add(c);
            jmxStatus = "up at " + c.serviceUrl();
            LOG.info("remote JMX {}", jmxStatus);
        } catch (RuntimeException e) {
            jmxStatus = "down: " + e.getMessage();
            LOG.error("remote JMX {}", jmxStatus);
        }
    }

    /** The Prometheus endpoint; a failure to bind leaves it down, not the daemon. */
    private void startMetrics(SupervisorMetrics metrics) {
        if (!settings.metricsEnabled()) {
            metricsStatus = "disabled (metrics_enabled: false)";
            return;
        }
        this.metrics = metrics;
        try {
            metrics.serve(settings.bindHost(), settings.metricsPort(), settings.credentialsFile());
            metricsStatus = "up at " + metricsUrl();
            LOG.info("metrics {}", metricsStatus);
        } catch (RuntimeException e) {
            metricsStatus = "down: " + e.getMessage();
            LOG.error("metrics {}", metricsStatus);
        }
    }

    /** The scrape URL with the port actually bound. */
    public String metricsUrl() {
        return "http://" + ("0.0.0.0".equals(settings.bindHost()) ? "127.0.0.1" : settings.bindHost()) + ":"
                + (metrics == null ? settings.metricsPort() : metrics.port()) + "/metrics";
    }

    public String metricsStatus() {
        return metricsStatus;
    }

    public String consoleStatus() {
        HawtioConsole c = console;
        return c == null ? consoleStatus : c.status();
    }

    public String jmxStatus() {
        return jmxStatus;
    }

    private static ReadinessProbe probeFor(ReadinessProbes probes, AppConfig app, int id, int port) {
        ReadinessSpec spec = new ReadinessSpec(app.waitReady(), app.readyUrl().orElse(null), app.readyPattern().orElse(null),
                port, app.minUptime());
        try {
            return probes.create(spec, app.name() + "-" + id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the readiness probe of " + app.name() + "[" + id + "]: " + e.getMessage(), e);
        }
    }

    private Front startFront(AppConfig app, FrontLoopsOnDemand loops) {
        Front front = Fronts.create(app.front(), app.name(), new InetSocketAddress(settings.frontBind(), app.port()), loops.get());
        try {
            front.start();
        } catch (RuntimeException e) {
            front.close();
            throw e;
        }
        return front;
    }

    private void createHome() {
        try {
            Files.createDirectories(settings.logDir());
            Files.setPosixFilePermissions(settings.logDir(), settings.logPermissions().dir());
            // The run record and the apps' notify sockets: the daemon's user's only (apps run as that user).
            PrivateFiles.createDirectories(settings.home().resolve("run"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the state directory " + settings.home() + ": " + e.getMessage(), e);
        }
    }

    /** Every instance with a process, draining ones included: what the sampler reads. */
    private List<ProcessGroups.Group> liveGroups() {
        God g = god;
        if (g == null) {
            return List.of();
        }
        List<ProcessGroups.Group> out = new ArrayList<>();
        for (App app : g.apps()) {
            for (Instance i : app.allInstances()) {
                long pid = i.pid();
                if (pid != 0) {
                    out.add(new ProcessGroups.Group(app.name(), i.id(), pid));
                }
            }
        }
        return out;
    }

    /** Whether any front has started in this daemon (its event loops are made on the first). */
    boolean frontLoopsMade() {
        return frontLoops.made();
    }

    public Sampler sampler() {
        return sampler;
    }

    public God god() {
        return god;
    }

    public DaemonSettings settings() {
        return settings;
    }

    public Credentials credentials() {
        return credentials;
    }

    /** The Jolokia port actually bound (settings may say 0 in tests). */
    public int jolokiaPort() {
        return jolokia.port();
    }

    public String jolokiaUrl() {
        return "http://" + ("0.0.0.0".equals(settings.bindHost()) ? "127.0.0.1" : settings.bindHost()) + ":" + jolokiaPort() + "/jolokia";
    }

    /** Stops every app (kill_signal, then SIGKILL after kill_timeout) and releases ports, in reverse build order. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("supervisor shutting down");
        try {
            for (int i = closeInReverse.size() - 1; i >= 0; i--) {
                try {
                    closeInReverse.get(i).close();
                } catch (Exception | LinkageError e) {
                    // LinkageError: the jars were rebuilt under a running daemon; shut down all the same.
                    LOG.error("error while shutting down {}", closeInReverse.get(i), e);
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    /**
     * kill over Jolokia: the reply to the caller must leave before the Jolokia server stops (it is closed first,
     * and an empty daemon closes in a few milliseconds: the CLI then saw "Premature EOF"). A short grace, bounded.
     */
    private void closeAndExitAfterReply() {
        try {
            Thread.sleep(KILL_REPLY_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAndExit();
    }

    private void closeAndExit() {
        try {
            close();
            LogManager.shutdown();
        } finally {
            System.exit(0);
        }
    }

    /** A pool of up to {@code size} scheduling threads, none kept while it has nothing scheduled. */
    static ScheduledThreadPoolExecutor scheduledPool(int size, String prefix) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(size, threads(prefix));
        pool.setKeepAliveTime(IDLE_THREAD_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        pool.allowCoreThreadTimeOut(true);
        pool.setRemoveOnCancelPolicy(true); // a cancelled deadline is dropped, not kept until it would have run
        return pool;
    }

    /** As {@link Executors#newCachedThreadPool}, with idle threads kept {@link #IDLE_THREAD_KEEP_ALIVE}, not 60 s. */
    private static ExecutorService cachedPool(String prefix) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_THREAD_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), threads(prefix));
    }

    static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs the daemon in the foreground until SIGTERM, SIGINT or the God's kill(); exits 0 after stopping every app. */
    public static void main(String[] args) {
        Path install = Installation.directory();
        DaemonSettings settings = DaemonSettingsLoader.load(System.getenv(), install);
        System.setProperty("supervisor.home", settings.home().toString());
        Daemon daemon;
        try {
            daemon = start(settings);
        } catch (RuntimeException e) {
            System.err.println("supervisor: cannot start: " + e.getMessage());
            LOG.error("cannot start", e);
            System.exit(1);
            return;
        }
        writePid(settings.pidFile());
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> daemon.closeAndExitAsync());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> daemon.closeAndExitAsync());
        System.out.println("supervisor " + Installation.version() + " running: Jolokia " + daemon.jolokiaUrl()
                + ", credentials in " + settings.credentialsFile());
        System.out.flush();
        try {
            daemon.stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAndExitAsync() {
        Thread t = new Thread(this::closeAndExit, "supervisor-shutdown");
        t.start();
    }

    private static void writePid(Path pidFile) {
        try {
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("cannot write pid file {}: {}", pidFile, e.getMessage());
        }
    }
}
