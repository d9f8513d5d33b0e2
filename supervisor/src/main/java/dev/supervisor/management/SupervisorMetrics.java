package dev.supervisor.management;

import dev.supervisor.front.FrontCounters;
import dev.supervisor.god.App;
import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.metrics.GroupUsage;
import dev.supervisor.metrics.Sampler;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.process.ProcessStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import dev.supervisor.management.http.AuthThrottle;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The daemon's Prometheus/OpenMetrics endpoint, built with the Prometheus Java client: per process and per app
 * CPU seconds, memory, restarts, status and uptime (read from the God's table and the sampler at scrape time), per
 * front requests, errors and in-flight, reload counts and durations (counted from the God's events), and the
 * sampler's own cost. Served behind the daemon's credentials: the admin and the viewer may scrape.
 */
public final class SupervisorMetrics implements AutoCloseable {
    private static final String P = "supervisor_";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Supplier<God> god;
    private final Sampler sampler;
    private final Counter reloads;
    private final Histogram reloadDuration;
    private final Map<String, Long> reloadStartedAt = new ConcurrentHashMap<>();
    private HTTPServer server;
    private ExecutorService executor;

    /** @param god the God once built (null before: the endpoint then shows the daemon's own series only) */
    public SupervisorMetrics(Supplier<God> god, Sampler sampler) {
        this.god = god;
        this.sampler = sampler;
        this.reloads = Counter.builder().name(P + "reloads").help("Reloads finished, by app and outcome (done, failed)")
                .labelNames("app", "outcome").register(registry);
        this.reloadDuration = Histogram.builder().name(P + "reload_duration_seconds")
                .help("How long reloads took, from start to the last old instance stopped").unit(Unit.SECONDS)
                .labelNames("app").classicUpperBounds(0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300).register(registry);
        registry.register(new TableCollector());
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    // ---- fed by the MBeanRegistrar from the God's events ----------------------------------------------------

    void reloadStarted(String app) {
        reloadStartedAt.put(app, System.nanoTime());
    }

    void reloadFinished(String app, boolean success) {
        reloads.labelValues(app, success ? "done" : "failed").inc();
        Long started = reloadStartedAt.remove(app);
        if (started != null) {
            reloadDuration.labelValues(app).observe((System.nanoTime() - started) / 1e9);
        }
    }

    // ---- serving ------------------------------------------------------------------------------------------

    /**
     * Binds {@code host:port} (0: a free port) and serves {@code /metrics}.
     * @throws IllegalStateException naming the port when it cannot bind
     */
    public synchronized void serve(String host, int port, Path credentialsFile) {
        // Two threads while scrapes come, none kept 10 s after the last (a scraper every 15 s or more: made again).
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "supervisor-metrics");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        executor = pool;
        try {
            server = HTTPServer.builder().hostname(host).port(port).registry(registry).executorService(executor)
                    .registerHealthHandler(false)
                    // The agent's authenticator: admin or viewer from the credentials file as it is now, failures
                    // throttled per source and user and logged with the source address.
                    .authenticator(new AgentAuthenticator("metrics", new CredentialsFile(credentialsFile), new AuthThrottle()))
                    .buildAndStart();
        } catch (IOException e) {
            executor.shutdownNow();
            throw new IllegalStateException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage()
                    + " (set metrics_port in daemon.yml or SUPERVISOR_METRICS_PORT, or metrics_enabled: false)", e);
        }
    }

    public synchronized int port() {
        return server == null ? -1 : server.getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** Everything read from the table at scrape time. */
    private final class TableCollector implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            Families f = new Families();
            God g = god.get();
            if (g != null) {
                for (App app : g.apps()) {
                    collectApp(f, app);
                }
            }
            Sampler.Cost cost = sampler.cost();
            f.counter("sampler_cpu_seconds", "CPU time the sampler itself spent reading /proc", Unit.SECONDS)
                    .add(Labels.EMPTY, cost.cpuNanos() / 1e9);
            f.counter("sampler_samples", "Samples the sampler took", null).add(Labels.EMPTY, cost.samples());
            f.gauge("sampler_last_duration_seconds", "Wall time of the last sample", Unit.SECONDS)
                    .add(Labels.EMPTY, cost.lastWallNanos() / 1e9);
            f.gauge("sampler_processes", "Processes read by the last sample", null).add(Labels.EMPTY, cost.lastProcesses());
            f.gauge("sampler_interval_seconds", "The interval the sampler keeps now (stretched above sample_interval "
                    + "when sampling would cost more than 1% of a core)", Unit.SECONDS)
                    .add(Labels.EMPTY, sampler.nextDelay().toMillis() / 1e3);
            return f.build();
        }

        private void collectApp(Families f, App app) {
            String name = app.name();
            Labels appLabels = Labels.of("app", name);
            double cpu = 0;
            long mem = 0;
            int restarts = 0;
            Map<String, Integer> byStatus = new LinkedHashMap<>();
            for (ProcessStatus s : ProcessStatus.values()) {
                byStatus.put(s.label().replace(' ', '_'), 0);
            }
            for (Instance i : app.allInstances()) {
                ProcessInfo p = i.info();
                Labels l = Labels.of("app", name, "id", Integer.toString(p.getId()), "draining", Boolean.toString(i.isAside()));
                Optional<GroupUsage> u = sampler.usage(p.getPid());
                double cpuSeconds = u.map(GroupUsage::cpuSecondsTotal).orElse(0.0);
                long rss = u.map(GroupUsage::rssBytes).orElse(0L);
                f.counter("process_cpu_seconds", "CPU time of the instance's process group (since the sampler saw it)", Unit.SECONDS)
                        .add(l, cpuSeconds);
                f.gauge("process_memory_bytes", "Resident memory of the instance's process group", Unit.BYTES).add(l, rss);
                f.gauge("process_pss_bytes", "Proportional set size of the instance's process group", Unit.BYTES)
                        .add(l, u.map(GroupUsage::pssBytes).orElse(0L));
                f.gauge("process_threads", "Threads of the instance's process group", null).add(l, u.map(GroupUsage::threads).orElse(0));
                f.gauge("process_open_fds", "Open file descriptors of the instance's process group", null)
                        .add(l, u.map(GroupUsage::openFds).orElse(0));
                f.counter("process_restarts", "Restarts of the instance (pm2's restart count)", null).add(l, p.getRestarts());
                f.gauge("process_uptime_seconds", "Time since the instance became online, 0 when not online", Unit.SECONDS)
                        .add(l, p.getUptimeMillis() / 1e3);
                f.gauge("process_pid", "The instance's pid, 0 when it runs no process", null).add(l, p.getPid());
                String status = p.getStatus().replace(' ', '_');
                GaugeFamily st = f.gauge("process_status", "1 for the instance's current status, 0 for the others", null);
                for (ProcessStatus s : ProcessStatus.values()) {
                    String label = s.label().replace(' ', '_');
                    st.add(Labels.of("app", name, "id", Integer.toString(p.getId()), "draining", Boolean.toString(i.isAside()),
                            "status", label), label.equals(status) ? 1 : 0);
                }
                cpu += cpuSeconds;
                mem += rss;
                if (!i.isAside()) {
                    restarts += p.getRestarts();
                    byStatus.merge(status, 1, Integer::sum);
                }
            }
            f.counter("app_cpu_seconds", "CPU time of the app's instances now running (since the sampler saw them)", Unit.SECONDS)
                    .add(appLabels, cpu);
            f.gauge("app_memory_bytes", "Resident memory of all the app's instances", Unit.BYTES).add(appLabels, mem);
            f.gauge("app_restarts", "Restarts summed over the app's instances", null).add(appLabels, restarts);
            f.gauge("app_instances_wanted", "Instances the app is configured for", null).add(appLabels, app.config().instances());
            GaugeFamily inst = f.gauge("app_instances", "The app's instances by status (draining old ones not included)", null);
            byStatus.forEach((s, n) -> inst.add(Labels.of("app", name, "status", s), n));
            f.gauge("app_up", "1 when every instance of the app is online", null)
                    .add(appLabels, app.instances().stream().allMatch(i -> i.status() == ProcessStatus.ONLINE) && !app.instances().isEmpty() ? 1 : 0);
            app.front().ifPresent(front -> {
                FrontCounters c = front.counters();
                Labels fl = Labels.of("app", name, "front", app.config().front().label());
                f.counter("front_requests", "Requests (TCP: connections) the app's front accepted", null).add(fl, c.requests());
                f.counter("front_errors", "Requests the front answered with an error itself (400, 502, 503; TCP: connections not relayed)", null)
                        .add(fl, c.errors());
                f.gauge("front_in_flight", "Requests (TCP: connections) being served now, draining backends included", null)
                        .add(fl, c.inFlight());
            });
        }
    }

    /** Metric families being collected, by name, in first-seen order. */
    private static final class Families {
        private final Map<String, Object> byName = new LinkedHashMap<>();

        GaugeFamily gauge(String name, String help, Unit unit) {
            return (GaugeFamily) byName.computeIfAbsent(name, n -> new GaugeFamily(P + n, help, unit));
        }

        CounterFamily counter(String name, String help, Unit unit) {
            return (CounterFamily) byName.computeIfAbsent(name, n -> new CounterFamily(P + n, help, unit));
        }

        MetricSnapshots build() {
            List<MetricSnapshot> out = new ArrayList<>();
            for (Object o : byName.values()) {
                out.add(o instanceof GaugeFamily g ? g.builder.build() : ((CounterFamily) o).builder.build());
            }
            return new MetricSnapshots(out);
        }
    }

    private static final class GaugeFamily {
        final GaugeSnapshot.Builder builder;

        GaugeFamily(String name, String help, Unit unit) {
            builder = GaugeSnapshot.builder().name(name).help(help);
            if (unit != null) {
                builder.unit(unit);
            }
        }

        GaugeFamily add(Labels labels, double value) {
            builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
            return this;
        }
    }

    private static final class CounterFamily {
        final CounterSnapshot.Builder builder;

        CounterFamily(String name, String help, Unit unit) {
            builder = CounterSnapshot.builder().name(name).help(help);
            if (unit != null) {
                builder.unit(unit);
            }
        }

        CounterFamily add(Labels labels, double value) {
            builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build());
            return this;
        }
    }
}
