package dev.supervisor.management;

import dev.supervisor.config.AppConfig;
import dev.supervisor.config.AppsFileLoader;
import dev.supervisor.config.AppsRequest;
import dev.supervisor.config.EnvJson;
import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.metrics.UsageFormat;
import dev.supervisor.god.UnknownTargetException;
import dev.supervisor.logs.LogTail;
import dev.supervisor.mbeans.GodMXBean;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ReloadProgress;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.reload.ReloadRequest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import javax.management.NotificationBroadcasterSupport;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Thin adapter: the God as {@code supervisor:type=God}. It also emits every notification of the daemon. */
final class GodMBean extends NotificationBroadcasterSupport implements GodMXBean {
    private final God god;
    private final String version;
    private final Path home;
    private final long startedAt = System.currentTimeMillis();
    private final Runnable shutdown;
    private final ReloadTickets tickets = new ReloadTickets();
    private static final int MAX_TAIL_LINES = 1000;
    private static final JsonFactory TABLE_JSON = new JsonFactory();

    private final Supplier<String> consoleStatus;
    private final Supplier<String> jmxStatus;
    private final Usage usage;

    private final Supplier<String> metricsStatus;
    private final AppHistory history;

    GodMBean(God god, String version, Path home, Runnable shutdown, Supplier<String> consoleStatus, Supplier<String> jmxStatus,
             Supplier<String> metricsStatus, Usage usage, AppHistory history) {
        super(Notifications.APP_AND_GOD);
        this.history = history;
        this.god = god;
        this.metricsStatus = metricsStatus;
        this.usage = usage;
        this.consoleStatus = consoleStatus;
        this.jmxStatus = jmxStatus;
        this.version = version;
        this.home = home;
        this.shutdown = shutdown;
    }

    @Override public String getVersion() { return version; }
    @Override public long getPid() { return ProcessHandle.current().pid(); }
    @Override public long getUptimeMillis() { return System.currentTimeMillis() - startedAt; }
    @Override public int getAppCount() { return god.apps().size(); }
    @Override public int getProcessCount() { return god.processCount(); }
    @Override public int getOnlineCount() { return god.onlineCount(); }
    @Override public List<String> getAppNames() { return god.apps().stream().map(a -> a.name()).toList(); }
    @Override public String getHome() { return home.toString(); }
    @Override public String getConsoleStatus() { return consoleStatus.get(); }
    @Override public String getJmxStatus() { return jmxStatus.get(); }
    @Override public String getMetricsStatus() { return metricsStatus.get(); }

    @Override public int getLaunchingCount() { return countStatus(ProcessStatus.LAUNCHING); }
    @Override public int getErroredCount() { return countStatus(ProcessStatus.ERRORED); }
    @Override public int getStoppedCount() { return countStatus(ProcessStatus.STOPPED); }
    @Override public int getWaitingRestartCount() { return countStatus(ProcessStatus.WAITING_RESTART); }
    @Override public boolean isHealthy() { return getUnhealthy().isEmpty(); }
    @Override public double getCpuPercent() { return Usage.round(list().stream().mapToDouble(ProcessInfo::getCpuPercent).sum()); }
    @Override public long getMemoryBytes() { return list().stream().mapToLong(ProcessInfo::getMemoryBytes).sum(); }

    /** Instances serving under their ids (not the old ones a reload is draining). */
    private int countStatus(ProcessStatus status) {
        return (int) god.apps().stream().flatMap(a -> a.instances().stream()).filter(i -> i.status() == status).count();
    }

    @Override
    public String getUnhealthy() {
        // Stopped (or stopping) means stopped on purpose; anything else that is not online should be.
        return god.apps().stream().flatMap(a -> a.instances().stream())
                .filter(i -> i.status() != ProcessStatus.ONLINE && i.status() != ProcessStatus.STOPPED
                        && i.status() != ProcessStatus.STOPPING)
                .map(i -> i.app().name() + "[" + i.id() + "] " + i.status().label())
                .collect(Collectors.joining(", "));
    }
    @Override public String getDumpStatus() { return god.dumpStatus(); }

    @Override
    public List<ProcessInfo> list() {
        return god.list().stream().map(usage::enrich).toList();
    }

    @Override
    public String listTable() {
        List<ProcessInfo> rows = list();
        StringWriter text = new StringWriter(64 + rows.size() * 96);
        try (JsonGenerator g = TABLE_JSON.createGenerator(text)) {
            g.writeStartArray();
            for (ProcessInfo p : rows) {
                g.writeStartArray();
                g.writeNumber(p.getId());
                g.writeString(p.getName());
                g.writeString(p.getNamespace());
                g.writeNumber(p.getPid());
                g.writeNumber(p.getUptimeMillis());
                g.writeNumber(p.getRestarts());
                g.writeString(p.getStatus());
                g.writeNumber(p.getCpuPercent());
                g.writeNumber(p.getMemoryBytes());
                g.writeNumber(p.getPrivatePort());
                g.writeEndArray();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    @Override
    public List<String> start(String appsFileOrScript) {
        return startWith(appsFileOrScript, "", 0, "", "");
    }

    @Override
    public List<String> startWith(String target, String name, int instances, String namespace, String env) {
        return Operations.call(() -> {
            List<AppConfig> configs;
            if (AppsFileLoader.isAppsFile(target)) {
                configs = god.loader().load(Path.of(target), env);
                if (name != null && !name.isBlank()) {
                    configs = configs.stream().filter(c -> c.name().equals(name)).toList();
                    if (configs.isEmpty()) {
                        throw new IllegalArgumentException(target + ": no app named '" + name + "'");
                    }
                }
                if (instances != 0) {
                    configs = configs.stream().map(c -> c.withInstances(instances)).toList();
                }
                if (namespace != null && !namespace.isBlank()) {
                    configs = configs.stream().map(c -> c.withNamespace(namespace)).toList();
                }
            } else {
                Path script = Path.of(target);
                Path cwd = script.isAbsolute() && script.getParent() != null ? script.getParent() : Path.of("").toAbsolutePath();
                configs = List.of(god.loader().loadScript(target, name, instances, namespace, cwd));
            }
            return god.start(configs);
        });
    }

    @Override public List<Integer> stop(String target) { return Operations.call(() -> god.stop(target)); }
    @Override public List<Integer> restart(String target) { return Operations.call(() -> god.restart(target)); }
    @Override public List<Integer> delete(String target) { return Operations.call(() -> god.delete(target)); }
    @Override public List<ReloadResult> reload(String target) { return Operations.call(() -> god.reload(target, ReloadRequest.Kind.HARD)); }
    @Override public List<ReloadResult> softReload(String target) { return Operations.call(() -> god.reload(target, ReloadRequest.Kind.SOFT)); }

    @Override
    public String beginReload(String target, int parallel, boolean force, String env) {
        return beginReloadWith(target, parallel, force, env, false);
    }

    @Override
    public String beginReloadWith(String target, int parallel, boolean force, String env, boolean surge) {
        return Operations.call(() -> {
            return tickets.begin(listener -> god.beginReload(target, ReloadRequest.Kind.HARD, parallel, force,
                    env == null ? "" : env, surge, listener));
        });
    }

    @Override
    public ReloadProgress reloadProgress(String ticket, int from) {
        return Operations.call(() -> {
            try {
                return tickets.get(ticket).progress(ticket, from);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        });
    }

    @Override
    public String beginApply(String request, int parallel, boolean force) {
        return Operations.call(() -> {
            AppsRequest parsed = AppsRequest.parse(request);
            return tickets.begin(listener -> god.beginApply(parsed, ReloadRequest.Kind.HARD, parallel, force, listener));
        });
    }

    @Override
    public String beginDelete(String target) {
        return Operations.call(() -> {
            return tickets.begin(listener -> god.beginDelete(target, listener));
        });
    }

    @Override
    public String beginResurrect() {
        return Operations.call(() -> {
            return tickets.begin(listener -> List.of(god.beginResurrect(listener)));
        });
    }

    @Override public List<Integer> startStopped(String target) { return Operations.call(() -> god.startStopped(target)); }

    @Override
    public List<Integer> restartWithEnv(String target, String env) {
        return Operations.call(() -> god.restart(target, Optional.of(EnvJson.parse(env))));
    }

    @Override
    public List<String> setEnvironment(String target, String env) {
        return Operations.call(() -> god.setEnvironment(target, EnvJson.parse(env)));
    }

    @Override public List<Integer> scaleBy(String app, int delta) { return Operations.call(() -> god.scaleBy(app, delta)); }

    @Override
    public String environment(int id) {
        return Operations.call(() -> {
            StringBuilder sb = new StringBuilder();
            god.environment(id).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            return sb.toString();
        });
    }

    @Override public List<Integer> scale(String app, int instances) { return Operations.call(() -> god.scale(app, instances)); }
    @Override
    public String describe(String target) {
        return Operations.call(() -> god.describe(target) + resources(target) + events(target));
    }

    /** The recent events of every described app. */
    private String events(String target) {
        StringBuilder sb = new StringBuilder();
        god.resolve(target).stream().map(i -> i.app().name()).distinct().forEach(app -> {
            List<String> events = history.events(app);
            sb.append("Recent events of ").append(app).append(events.isEmpty() ? ": none yet" : "").append('\n');
            events.forEach(e -> sb.append("  ").append(e).append('\n'));
        });
        return sb.toString();
    }

    /** The sampler's figures for every described instance (old ones a reload is draining included). */
    private String resources(String target) {
        StringBuilder sb = new StringBuilder();
        for (Instance i : god.resolve(target)) {
            List<Instance> shown = new java.util.ArrayList<>(List.of(i));
            i.app().asideInstances().stream().filter(x -> x.id() == i.id()).forEach(shown::add);
            for (Instance x : shown) {
                long pid = x.pid();
                String label = x.app().name() + "[" + x.id() + "]" + (x.isAside() ? " (old)" : "");
                sb.append(String.format("  %-18s %s%n", label, usage.of(pid).map(u -> "pid " + pid + ": cpu " + UsageFormat.cpu(u.cpuPercent())
                        + " (" + String.format(java.util.Locale.ROOT, "%.1f", u.cpuSecondsTotal()) + " s in all), mem "
                        + UsageFormat.memory(u.memoryBytes()) + " (pss " + UsageFormat.memory(u.pssBytes()) + "), "
                        + u.threads() + " threads, " + u.openFds() + " open fds, " + u.processes() + " process(es)")
                        .orElse(pid == 0 ? "not running" : "pid " + pid + ": not sampled yet")));
            }
        }
        return sb.length() == 0 ? "" : "Resources (whole process group, last sample)\n" + sb + "\n";
    }
    @Override public List<Integer> sendSignal(String signal, String target) { return Operations.call(() -> god.sendSignal(signal, target)); }
    @Override public List<Integer> reset(String target) { return Operations.call(() -> god.reset(target)); }
    @Override public String ping() { return "pong"; }
    @Override public String save() { return Operations.call(() -> god.save().toString()); }
    @Override public List<String> resurrect() { return Operations.call(god::resurrect); }
    @Override public void reloadLogs() { Operations.run(god::reloadLogs); }
    @Override public List<String> flush(String target) { return Operations.call(() -> god.flush(target)); }

    @Override
    public List<String> tailLog(int id, String stream, int lines) {
        return Operations.call(() -> {
            if (lines < 1 || lines > MAX_TAIL_LINES) {
                throw new IllegalArgumentException("lines must be 1 to " + MAX_TAIL_LINES + ", not " + lines);
            }
            ProcessInfo instance = god.list().stream().filter(p -> p.getId() == id).findFirst()
                    .orElseThrow(() -> new UnknownTargetException(Integer.toString(id)));
            String file = switch (stream == null ? "" : stream) {
                case "out" -> instance.getOutLog();
                case "err" -> instance.getErrLog();
                default -> throw new IllegalArgumentException("stream must be 'out' or 'err', not '" + stream + "'");
            };
            try {
                return LogTail.lastLines(Path.of(file), lines);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
            }
        });
    }

    @Override
    public void kill() {
        // Answer the caller first; the shutdown stops every app and exits.
        Thread t = new Thread(shutdown, "supervisor-kill");
        t.setDaemon(false);
        t.start();
    }
}
