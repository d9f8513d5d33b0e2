package dev.supervisor.god;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supervisor.config.AppConfig;
import dev.supervisor.config.AppsFileLoader;
import dev.supervisor.config.Signals;
import dev.supervisor.front.Front;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.reload.ReloadCoordinator;
import dev.supervisor.reload.ReloadListener;
import dev.supervisor.reload.ReloadPipeline;
import dev.supervisor.reload.ReloadRequest;
import dev.supervisor.reload.ReloadState;
import dev.supervisor.config.AppsRequest;
import dev.supervisor.config.LoadedApps;
import dev.supervisor.triggers.AppReloader;
import dev.supervisor.triggers.AppTriggers;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The process table and every operation on it. The one source of truth: the CLI (through Jolokia), the
 * MBeans, hawtio and the daemon's timers all call these methods.
 */
public final class God implements AutoCloseable, AppReloader {
    private static final Logger LOG = LogManager.getLogger(God.class);
    private static final Duration START_WAIT_SLACK = Duration.ofSeconds(2);

    private final AppsFileLoader loader;
    private final InstanceServices services;
    private final FrontFactory fronts;
    private final DumpFile dump;
    private final Executor reloadExecutor;
    private final Map<String, App> apps = new LinkedHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final ReloadPipeline pipeline;
    /** cron_restart and watch: they only ask for reloads (see {@link #reloadApp}). */
    private final AppTriggers triggers;

    public God(AppsFileLoader loader, InstanceServices services, FrontFactory fronts, DumpFile dump, Executor reloadExecutor) {
        this.loader = loader;
        this.services = services;
        this.fronts = fronts;
        this.dump = dump;
        this.reloadExecutor = reloadExecutor;
        this.pipeline = new ReloadPipeline(this::scaleApp, reloadExecutor);
        this.triggers = new AppTriggers(services.scheduler(), this);
    }

    public AppsFileLoader loader() {
        return loader;
    }

    // ---- queries -------------------------------------------------------------------------------------

    public synchronized List<App> apps() {
        return new ArrayList<>(apps.values());
    }

    public synchronized Optional<App> app(String name) {
        return Optional.ofNullable(apps.get(name));
    }

    public App requireApp(String name) {
        return app(name).orElseThrow(() -> new UnknownTargetException(name));
    }

    public List<ProcessInfo> list() {
        List<ProcessInfo> out = new ArrayList<>();
        for (App a : apps()) {
            a.allInstances().forEach(i -> out.add(i.info()));
        }
        out.sort((x, y) -> x.getId() != y.getId() ? Integer.compare(x.getId(), y.getId())
                : Boolean.compare("draining".equals(x.getStatus()), "draining".equals(y.getStatus())));
        return out;
    }

    public List<Instance> resolve(String target) {
        return TargetResolver.resolve(target, apps());
    }

    // ---- start ---------------------------------------------------------------------------------------

    /** Starts apps not running yet (all-or-nothing for binding fronts) and waits until each is ready or failed. */
    public List<String> start(List<AppConfig> configs) {
        return start(configs, ReloadListener.NONE);
    }

    /**
     * {@link #start(List)}, telling {@code progress} about each instance as it comes online or fails. Apps with
     * {@code autostart: false} are added stopped.
     */
    public List<String> start(List<AppConfig> configs, ReloadListener progress) {
        List<App> started = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<AppConfig> fresh = new ArrayList<>();
        synchronized (this) {
            List<Front> bound = new ArrayList<>();
            for (AppConfig c : configs) {
                if (apps.containsKey(c.name())) {
                    names.add(c.name() + " (already running)");
                } else {
                    fresh.add(c);
                }
            }
            try {
                for (AppConfig c : fresh) {
                    bound.add(c.hasFront() ? fronts.create(c) : null);
                }
            } catch (RuntimeException e) {
                bound.stream().filter(f -> f != null).forEach(Front::close);
                throw e;
            }
            for (int k = 0; k < fresh.size(); k++) {
                AppConfig c = fresh.get(k);
                App app = new App(c, services, bound.get(k), this::newCoordinator);
                apps.put(c.name(), app);
                services.events().appAdded(app);
                for (int index = 0; index < c.instances(); index++) {
                    app.addInstance(nextId.getAndIncrement(), index);
                }
                if (c.autostart()) {
                    started.add(app);
                }
                names.add(c.name() + (c.autostart() ? "" : " (autostart: false, added stopped)"));
            }
        }
        for (App app : apps()) {
            if (fresh.stream().anyMatch(c -> c.name().equals(app.name()))) {
                configureTriggers(app);
            }
        }
        List<CompletableFuture<Duration>> waits = new ArrayList<>();
        for (App app : started) {
            for (Instance i : app.instances()) {
                waits.add(reportWhenSettled(i, i.launch(Instance.Mode.NORMAL), progress));
            }
        }
        awaitSettled(waits, started.stream().map(App::config).toList());
        return names;
    }

    public List<String> start(Path appsFile, String envName) {
        return start(loader.load(appsFile, envName));
    }

    private static CompletableFuture<Duration> reportWhenSettled(Instance i, CompletableFuture<Duration> launch, ReloadListener progress) {
        if (progress == ReloadListener.NONE) {
            return launch;
        }
        return launch.whenComplete((took, error) -> progress.line(i.app().name(), error == null
                ? i.app().name() + "[" + i.id() + "] online (ready in " + took.toMillis() + " ms)"
                : i.app().name() + "[" + i.id() + "] failed: " + (error.getCause() != null ? error.getCause().getMessage() : error.getMessage())));
    }

    private void configureTriggers(App app) {
        List<Path> logs = new ArrayList<>();
        for (Instance i : app.instances()) {
            logs.add(i.outPath());
            logs.add(i.errPath());
        }
        app.config().logFile().ifPresent(f -> logs.add(services.logDir().resolve(f)));
        triggers.configure(app.config(), logs);
    }

    /**
     * The CLI's start/reload/startOrReload of an apps document (pm2's startOrReload): apps already running get the
     * document's config and environment through the zero-downtime reload, the others are started. Refused whole,
     * before anything changes, when an app name is already used by another script.
     */
    public List<CompletableFuture<ReloadResult>> beginApply(AppsRequest request, ReloadRequest.Kind kind, int parallel,
                                                            boolean force, ReloadListener listener) {
        LoadedApps loaded = loader.load(request);
        for (AppConfig c : loaded.apps()) {
            Optional<App> running = app(c.name());
            if (running.isPresent() && !sameProgram(running.get().config(), c)) {
                throw new SupervisorException("app name '" + c.name() + "' is already used by another script: running "
                        + String.join(" ", running.get().config().command()) + ", asked for " + String.join(" ", c.command())
                        + " (pick another --name, or delete '" + c.name() + "' first)");
            }
        }
        for (String w : loaded.warnings()) {
            listener.line("", "warning: " + w);
        }
        List<CompletableFuture<ReloadResult>> results = new ArrayList<>();
        List<AppConfig> toStart = new ArrayList<>();
        for (AppConfig c : loaded.apps()) {
            Optional<App> running = app(c.name());
            if (running.isEmpty()) {
                toStart.add(c);
                continue;
            }
            App app = running.get();
            if (c.port() != app.config().port() || c.front() != app.config().front()) {
                throw new SupervisorException(request.source() + ": app '" + c.name() + "': changing 'port' or 'front' needs delete and start, not reload");
            }
            AppConfig next = c; // the file's instances too: the reload scales an app whose count changed
            if (app.instances().stream().noneMatch(i -> i.status().isRunning())) {
                // Stopped: nothing to replace without downtime; take the new config and start it.
                app.updateConfig(next);
                app.instances().forEach(i -> i.updateConfig(next));
                configureTriggers(app);
                startStopped(app.instances(), listener);
                continue;
            }
            listener.line(c.name(), c.name() + ": running, applying the new config and environment by reload");
            CompletableFuture<ReloadResult> r = app.reloads().submit(new ReloadRequest(kind, Set.of(), parallel, force, Optional.of(next)), listener);
            r.whenComplete((done, error) -> configureTriggers(app));
            results.add(r);
        }
        if (!toStart.isEmpty()) {
            // In the background, so the caller follows each instance coming online instead of waiting in silence.
            results.add(CompletableFuture.supplyAsync(() -> {
                long t0 = System.currentTimeMillis();
                List<String> names = start(toStart, listener);
                names.forEach(n -> listener.line(n, "started " + n));
                return new ReloadResult("(start)", "done", 0, 0, System.currentTimeMillis() - t0, "", names);
            }, reloadExecutor).exceptionally(e -> new ReloadResult("(start)", "failed", 0, 0, 0,
                    e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), List.of())));
        }
        return results;
    }

    private static boolean sameProgram(AppConfig a, AppConfig b) {
        return a.command().equals(b.command());
    }

    /** pm2's {@code start <name|id>}: launches the matching instances that are not running; returns their ids. */
    public List<Integer> startStopped(String target) {
        List<Instance> targets = resolve(target).stream().filter(i -> !i.status().isRunning()).toList();
        startStopped(targets, ReloadListener.NONE);
        return ids(targets);
    }

    private void startStopped(List<Instance> targets, ReloadListener progress) {
        List<CompletableFuture<Duration>> waits = new ArrayList<>();
        for (Instance i : targets) {
            if (!i.status().isRunning()) {
                i.updateConfig(i.app().config());
                waits.add(reportWhenSettled(i, i.launch(Instance.Mode.NORMAL), progress));
            }
        }
        awaitSettled(waits, TargetResolver.appsOf(targets).stream().map(App::config).toList());
    }

    /** The environment an instance was (or will be) started with, as pm2's {@code env <id>}. */
    public Map<String, String> environment(int id) {
        for (App a : apps()) {
            Optional<Instance> i = a.instance(id);
            if (i.isPresent()) {
                return new java.util.TreeMap<>(i.get().launchEnvironment());
            }
        }
        throw new UnknownTargetException(Integer.toString(id));
    }

    /** Reload for a trigger (cron_restart, watch): through the pipeline, never a kill in place. */
    @Override
    public void reloadApp(String name, String why, boolean queue) {
        Optional<App> app = app(name);
        if (app.isEmpty()) {
            return;
        }
        if (app.get().instances().stream().noneMatch(i -> i.status() == ProcessStatus.ONLINE)) {
            LOG.info("{}: {}: no instance online, nothing to reload", name, why);
            return;
        }
        LOG.info("{}: reload ({})", name, why);
        app.get().reloads().submit(new ReloadRequest(ReloadRequest.Kind.HARD, Set.of(), 0, queue, Optional.empty()),
                (a, line) -> LOG.info("{}: {}", a, line));
    }

    private ReloadCoordinator newCoordinator(App app) {
        return new ReloadCoordinator(app, pipeline, reloadExecutor, services.events());
    }

    /** Waits for launches to be ready or to fail, bounded by the longest listen_timeout; failures stay in the table. */
    private static void awaitSettled(List<CompletableFuture<Duration>> waits, Collection<AppConfig> configs) {
        Duration limit = configs.stream().map(AppConfig::readinessTimeout).max(Duration::compareTo).orElse(Duration.ZERO)
                .plus(START_WAIT_SLACK);
        long deadline = System.nanoTime() + limit.toNanos();
        for (CompletableFuture<Duration> w : waits) {
            try {
                w.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // Reported through the instance's status and lastExit.
            }
        }
    }

    // ---- stop / restart / delete ---------------------------------------------------------------------

    public List<Integer> stop(String target) {
        List<Instance> targets = resolve(target);
        stopAll(targets, "stop");
        return ids(targets);
    }

    private static void stopAll(List<Instance> targets, String why) {
        CompletableFuture.allOf(targets.stream().map(i -> i.stop(why)).toArray(CompletableFuture[]::new)).join();
    }

    /** Stop, then start: pm2's restart (use reload for no downtime). */
    public List<Integer> restart(String target) {
        return restart(target, Optional.empty());
    }

    /**
     * pm2's restart; with {@code newCliEnv} ({@code --update-env}) the apps take the CLI's environment first. The
     * instances take their app's current config, and each restart counts (↺), as in pm2.
     */
    public List<Integer> restart(String target, Optional<Map<String, String>> newCliEnv) {
        List<Instance> targets = resolve(target);
        newCliEnv.ifPresent(env -> TargetResolver.appsOf(targets).forEach(a -> a.updateConfig(a.config().withBaseEnv(env))));
        stopAll(targets, "restart");
        List<CompletableFuture<Duration>> waits = new ArrayList<>();
        for (Instance i : targets) {
            i.updateConfig(i.app().config());
            i.countRestart();
            waits.add(i.launch(Instance.Mode.NORMAL));
        }
        awaitSettled(waits, TargetResolver.appsOf(targets).stream().map(App::config).toList());
        return ids(targets);
    }

    public List<Integer> delete(String target) {
        List<Instance> targets = resolve(target);
        stopAll(targets, "delete");
        for (Instance i : targets) {
            i.app().removeInstance(i);
        }
        for (App app : TargetResolver.appsOf(targets)) {
            if (app.instances().isEmpty()) {
                // Old instances a running reload set aside go too: nothing of a deleted app may keep running.
                List<Instance> aside = app.asideInstances();
                stopAll(aside, "delete");
                aside.forEach(app::removeInstance);
                removeApp(app);
            }
        }
        return ids(targets);
    }

    private void removeApp(App app) {
        synchronized (this) {
            apps.remove(app.name(), app);
        }
        triggers.remove(app.name());
        app.front().ifPresent(Front::close);
        services.events().appRemoved(app);
        LOG.info("app {} deleted", app.name());
    }

    // ---- reload --------------------------------------------------------------------------------------

    /**
     * Starts the reload of every app the target touches, each under its app's lock. Returns one future per app.
     * An apps file as target reloads its running apps with the file's config and starts the others.
     */
    public List<CompletableFuture<ReloadResult>> beginReload(String target, ReloadRequest.Kind kind, int parallel,
                                                             boolean force, String envName, ReloadListener listener) {
        if (AppsFileLoader.isAppsFile(target)) {
            return beginReloadOfFile(Path.of(target), kind, parallel, force, envName, listener);
        }
        List<Instance> targets = resolve(target);
        Map<App, Set<Integer>> byApp = new LinkedHashMap<>();
        for (Instance i : targets) {
            byApp.computeIfAbsent(i.app(), a -> new java.util.TreeSet<>()).add(i.id());
        }
        List<CompletableFuture<ReloadResult>> results = new ArrayList<>();
        for (Map.Entry<App, Set<Integer>> e : byApp.entrySet()) {
            ReloadRequest req = new ReloadRequest(kind, e.getValue(), parallel, force, Optional.empty());
            results.add(e.getKey().reloads().submit(req, listener));
        }
        return results;
    }

    private List<CompletableFuture<ReloadResult>> beginReloadOfFile(Path file, ReloadRequest.Kind kind, int parallel,
                                                                   boolean force, String envName, ReloadListener listener) {
        List<AppConfig> configs = loader.load(file, envName);
        List<CompletableFuture<ReloadResult>> results = new ArrayList<>();
        List<AppConfig> toStart = new ArrayList<>();
        for (AppConfig c : configs) {
            Optional<App> running = app(c.name());
            if (running.isPresent()) {
                if (c.port() != running.get().config().port() || c.front() != running.get().config().front()) {
                    throw new SupervisorException(file + ": app '" + c.name() + "': changing 'port' or 'front' needs delete and start, not reload");
                }
                results.add(running.get().reloads().submit(new ReloadRequest(kind, Set.of(), parallel, force, Optional.of(c)), listener));
            } else {
                toStart.add(c);
            }
        }
        if (!toStart.isEmpty()) {
            for (String name : start(toStart)) {
                listener.line(name, name + ": was not running, started");
            }
        }
        return results;
    }

    public List<ReloadResult> reload(String target, ReloadRequest.Kind kind) {
        return beginReload(target, kind, 0, false, "", ReloadListener.NONE).stream().map(CompletableFuture::join).toList();
    }

    // ---- scale ---------------------------------------------------------------------------------------

    public List<Integer> scale(String appName, int instances) {
        if (instances < 0 || instances > 1024) {
            throw new SupervisorException("scale " + appName + " " + instances + ": the number of instances must be 0..1024");
        }
        App app = requireApp(appName);
        if (app.reloads().state() != ReloadState.IDLE) {
            throw new SupervisorException("cannot scale " + appName + " while it reloads (" + app.reloads().step() + "); try again when it is done");
        }
        app.updateConfig(app.config().withInstances(instances));
        scaleApp(app, instances);
        return ids(app.instances());
    }

    /** pm2's {@code --update-env}: the apps' environment base becomes {@code cliEnv}, for the instances started next. */
    public List<String> setEnvironment(String target, Map<String, String> cliEnv) {
        List<String> names = new ArrayList<>();
        for (App a : TargetResolver.appsOf(resolve(target))) {
            a.updateConfig(a.config().withBaseEnv(cliEnv));
            names.add(a.name());
        }
        return names;
    }

    /** pm2's {@code scale app +N} / {@code -N}: relative to the current number of instances. */
    public List<Integer> scaleBy(String appName, int delta) {
        App app = requireApp(appName);
        int wanted = app.instances().size() + delta;
        if (wanted < 1) {
            throw new SupervisorException("scale " + appName + " " + delta + ": it has " + app.instances().size()
                    + " instance(s); at least 1 must stay (use stop or delete to stop them all)");
        }
        return scale(appName, wanted);
    }

    /** Adds instances (ready before returning) or removes the newest ones (drained before they are stopped). */
    private void scaleApp(App app, int wanted) {
        List<Instance> current = app.instances();
        if (wanted > current.size()) {
            Set<Integer> usedIndexes = current.stream().map(Instance::index).collect(Collectors.toSet());
            List<CompletableFuture<Duration>> waits = new ArrayList<>();
            int index = 0;
            for (int k = current.size(); k < wanted; k++) {
                while (usedIndexes.contains(index)) {
                    index++;
                }
                usedIndexes.add(index);
                waits.add(app.addInstance(nextId.getAndIncrement(), index).launch(Instance.Mode.NORMAL));
            }
            awaitSettled(waits, List.of(app.config()));
        } else {
            List<Instance> surplus = current.subList(wanted, current.size());
            for (Instance i : surplus) {
                i.drain(app.config().killTimeout()).join();
                i.stop("scale down").join();
                app.removeInstance(i);
            }
        }
    }

    // ---- other operations ----------------------------------------------------------------------------

    public List<Integer> sendSignal(String signal, String target) {
        String sig = normalizeSignal(signal);
        List<Instance> targets = resolve(target);
        for (Instance i : targets) {
            i.sendSignal(sig);
        }
        return ids(targets);
    }

    public static String normalizeSignal(String signal) {
        try {
            return Signals.normalize(signal);
        } catch (IllegalArgumentException e) {
            throw new SupervisorException(e.getMessage());
        }
    }

    public List<Integer> reset(String target) {
        List<Instance> targets = resolve(target);
        targets.forEach(Instance::resetCounters);
        return ids(targets);
    }

    public String describe(String target) {
        StringBuilder sb = new StringBuilder();
        for (Instance i : resolve(target)) {
            describeInto(sb, i);
        }
        return sb.toString();
    }

    /** One instance, then the old one a running reload set aside under the same id, if any. */
    private static void describeInto(StringBuilder sb, Instance i) {
        List<Instance> shown = new ArrayList<>(List.of(i));
        i.app().asideInstances().stream().filter(x -> x.id() == i.id()).forEach(shown::add);
        for (Instance x : shown) {
            ProcessInfo p = x.info();
            AppConfig c = x.config();
            sb.append("Describing process with id ").append(p.getId()).append(" - name ").append(p.getName())
                    .append(x.isAside() ? " (old instance, being replaced)" : "").append('\n');
            row(sb, "status", p.getStatus());
            row(sb, "name", p.getName());
            row(sb, "namespace", p.getNamespace());
            row(sb, "pid", Long.toString(p.getPid()));
            row(sb, "instance", Integer.toString(p.getInstanceIndex()));
            row(sb, "restarts", Integer.toString(p.getRestarts()));
            row(sb, "unstable restarts", Integer.toString(p.getUnstableRestarts()));
            row(sb, "uptime", p.getUptimeMillis() + " ms");
            row(sb, "last exit", p.getLastExit().isEmpty() ? "-" : p.getLastExit());
            row(sb, "command", String.join(" ", c.command()));
            row(sb, "cwd", c.cwd().toString());
            row(sb, "port", c.port() == 0 ? "-" : c.port() + (c.hasFront() ? " (front: " + c.front().label() + ", private " + p.getPrivatePort() + ")" : ""));
            row(sb, "kill signal", c.killSignal() + ", SIGKILL after " + c.killTimeout().toMillis() + " ms");
            row(sb, "restart policy", (c.autorestart() ? "autorestart" : "no autorestart") + ", max_restarts " + c.maxRestarts()
                    + ", min_uptime " + c.minUptime().toMillis() + " ms");
            row(sb, "out log", p.getOutLog());
            row(sb, "error log", p.getErrLog());
            row(sb, "reload", i.app().reloads().state().label()
                    + (i.app().reloads().step().isEmpty() ? "" : " (" + i.app().reloads().step() + ")"));
            sb.append('\n');
        }
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append(String.format("  %-18s %s%n", key, value));
    }

    /** Writes every app (with its current instance count) to the dump file. */
    public Path save() {
        ObjectMapper json = new ObjectMapper();
        List<String> specs = new ArrayList<>();
        for (App app : apps()) {
            try {
                ObjectNode spec = (ObjectNode) json.readTree(app.config().spec());
                spec.put("instances", app.instances().size());
                spec.put("namespace", app.config().namespace());
                spec.set("supervisor_base_env", json.valueToTree(new java.util.TreeMap<>(app.config().baseEnv())));
                specs.add(spec.toString());
            } catch (IOException e) {
                throw new SupervisorException("cannot save app " + app.name() + ": " + e.getMessage());
            }
        }
        dump.write(specs);
        LOG.info("saved {} app(s) to {}", specs.size(), dump.path());
        return dump.path();
    }

    /** {@link #resurrect()} in the background, telling {@code progress} about each instance as it comes online. */
    public CompletableFuture<ReloadResult> beginResurrect(ReloadListener progress) {
        List<String> specs = dump.read();
        if (specs.isEmpty()) {
            throw new SupervisorException("nothing to resurrect: " + dump.path() + (dump.exists() ? " lists no apps" : " does not exist (run save first)"));
        }
        List<AppConfig> configs = loader.loadSpecs(specs, dump.path().toString());
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.currentTimeMillis();
            List<String> names = start(configs.stream().filter(c -> app(c.name()).isEmpty()).toList(), progress);
            progress.line("", names.isEmpty() ? "every saved app already runs" : "resurrected " + String.join(", ", names));
            return new ReloadResult("(resurrect)", "done", 0, 0, System.currentTimeMillis() - t0, "", names);
        }, reloadExecutor);
    }

    /** Starts the saved apps that are not running. */
    public List<String> resurrect() {
        List<String> specs = dump.read();
        if (specs.isEmpty()) {
            throw new SupervisorException("nothing to resurrect: " + dump.path() + (dump.exists() ? " lists no apps" : " does not exist (run save first)"));
        }
        List<AppConfig> configs = loader.loadSpecs(specs, dump.path().toString());
        return start(configs.stream().filter(c -> app(c.name()).isEmpty()).toList());
    }

    public boolean hasDump() {
        return dump.exists();
    }

    public void reloadLogs() {
        services.logs().reopenAll();
    }

    public List<String> flush(String target) {
        List<String> flushed = new ArrayList<>();
        List<Instance> targets = target == null || target.isBlank() || target.equals("all")
                ? apps().stream().flatMap(a -> a.allInstances().stream()).toList() : resolve(target);
        for (Instance i : targets) {
            for (Path p : List.of(i.outPath(), i.errPath())) {
                if (!flushed.contains(p.toString())) {
                    services.logs().truncate(p);
                    flushed.add(p.toString());
                }
            }
        }
        return flushed;
    }

    public int processCount() {
        return apps().stream().mapToInt(a -> a.allInstances().size()).sum();
    }

    public int onlineCount() {
        return (int) apps().stream().flatMap(a -> a.instances().stream()).filter(i -> i.status() == ProcessStatus.ONLINE).count();
    }

    /** Stops every app gracefully (kill_signal, then SIGKILL after kill_timeout) and closes the fronts. */
    @Override
    public void close() {
        triggers.close();
        List<Instance> all = apps().stream().flatMap(a -> a.allInstances().stream()).toList();
        stopAll(all, "supervisor shutting down");
        for (App app : apps()) {
            app.front().ifPresent(Front::close);
            all.stream().filter(i -> i.app() == app).forEach(app::removeInstance);
            synchronized (this) {
                apps.remove(app.name());
            }
            services.events().appRemoved(app);
        }
    }

    private static List<Integer> ids(List<Instance> instances) {
        return instances.stream().map(Instance::id).toList();
    }
}
