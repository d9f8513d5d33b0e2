package dev.supervisor.god;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supervisor.config.AppConfig;
import dev.supervisor.config.AppsFileLoader;
import dev.supervisor.config.AppsRequest;
import dev.supervisor.config.LoadedApps;
import dev.supervisor.config.Signals;
import dev.supervisor.front.Front;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.mbeans.ReloadStep;
import dev.supervisor.process.LaunchException;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.reload.ReloadCoordinator;
import dev.supervisor.reload.ReloadListener;
import dev.supervisor.reload.ReloadPipeline;
import dev.supervisor.reload.ReloadRequest;
import dev.supervisor.triggers.AppReloader;
import dev.supervisor.triggers.AppTriggers;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The one API of the supervisor: the CLI (through Jolokia), the MBeans, hawtio and the daemon's timers all call
 * these methods. A façade that only guards, calls and waits: every change to an app is a command posted to that
 * app's owner ({@link App}), and every wait here has a deadline.
 */
public final class God implements AutoCloseable, AppReloader {
    private static final Logger LOG = LogManager.getLogger(God.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_WAIT_SLACK = Duration.ofSeconds(2);
    /** Beyond kill_timeout: the SIGKILL grace, a rollback's kill of a candidate, and some slack. */
    static final Duration STOP_SLACK = Instance.SIGKILL_GRACE.plus(Duration.ofSeconds(4));
    /** An owner command is quick; this bounds waiting for one that is stuck behind a wedged owner. */
    private static final Duration OWNER_LIMIT = Duration.ofSeconds(30);
    /** Apps whose launch may run at once during a start (each on its owner's thread from the shared pool). */
    private static final int LAUNCH_WINDOW = 4;
    private static final int MAX_INSTANCES = 1024;

    private final AppsFileLoader loader;
    private final InstanceServices services;
    private final FrontFactory fronts;
    private final DumpFile dump;
    private final Executor reloadExecutor;
    private final Map<String, App> apps = new LinkedHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final ReloadPipeline pipeline;
    /** cron_restart and watch: they only ask for reloads, through the owner (see {@link #reloadApp}). */
    private final AppTriggers triggers;
    private volatile StateJournal journal = StateJournal.NONE;

    public God(AppsFileLoader loader, InstanceServices services, FrontFactory fronts, DumpFile dump, Executor reloadExecutor) {
        this.loader = loader;
        this.services = new InstanceServices(services.scheduler(), services.worker(), services.signals(), services.owners(),
                services.probes(), services.logs(), services.logDir(), journaled(services.events()),
                services.launcher(), services.logCapture());
        this.fronts = fronts;
        this.dump = dump;
        this.reloadExecutor = reloadExecutor;
        String nice = System.getenv("SUPERVISOR_RELOAD_NICE");
        this.pipeline = new ReloadPipeline(reloadExecutor, candidateNice(nice != null ? nice : System.getProperty("supervisor.reload.nice")));
        this.triggers = new AppTriggers(services.scheduler(), this);
    }

    /**
     * SUPERVISOR_RELOAD_NICE (or the daemon JVM's -Dsupervisor.reload.nice): how much lower a reload's new instances
     * start (default 0: not lowered); a bad value is refused.
     */
    static int candidateNice(String env) {
        if (env == null || env.isBlank()) {
            return ReloadPipeline.CANDIDATE_NICE;
        }
        try {
            int n = Integer.parseInt(env.trim());
            if (n >= 0 && n <= 19) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new SupervisorException("environment variable SUPERVISOR_RELOAD_NICE='" + env + "' must be a number 0..19");
    }

    /** The daemon records the running state after every change; set before anything starts. */
    public void recordInto(StateJournal j) {
        this.journal = j;
    }

    /** Every event also tells the journal: the record follows each change the owners make. */
    private SupervisorEvents journaled(SupervisorEvents e) {
        return new SupervisorEvents() {
            @Override
            public void statusChanged(Instance instance, ProcessStatus from, ProcessStatus to, String why) {
                e.statusChanged(instance, from, to, why);
                journal.changed();
            }

            @Override
            public void reloadEvent(String type, String app, String message, ReloadStep step) {
                e.reloadEvent(type, app, message, step);
                journal.changed();
            }

            @Override
            public void appAdded(App app) {
                e.appAdded(app);
                journal.changed();
            }

            @Override
            public void appRemoved(App app) {
                e.appRemoved(app);
                journal.changed();
            }

            @Override
            public void instanceBound(Instance instance) {
                e.instanceBound(instance);
                journal.changed();
            }

            @Override
            public void instanceSetAside(Instance instance) {
                e.instanceSetAside(instance);
            }

            @Override
            public void instanceRemoved(Instance instance) {
                e.instanceRemoved(instance);
                journal.changed();
            }
        };
    }

    public AppsFileLoader loader() {
        return loader;
    }

    // ---- queries (snapshots, any thread) --------------------------------------------------------------------

    public List<App> apps() {
        synchronized (apps) {
            return new ArrayList<>(apps.values());
        }
    }

    public Optional<App> app(String name) {
        synchronized (apps) {
            return Optional.ofNullable(apps.get(name));
        }
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
                : Boolean.compare(isOld(x.getStatus()), isOld(y.getStatus())));
        return out;
    }

    private static boolean isOld(String status) {
        return "draining".equals(status) || "replacing".equals(status);
    }

    public List<Instance> resolve(String target) {
        return TargetResolver.resolve(target, apps());
    }

    private Map<App, List<Integer>> resolveByApp(String target) {
        Map<App, List<Integer>> byApp = new LinkedHashMap<>();
        for (Instance i : resolve(target)) {
            byApp.computeIfAbsent(i.app(), a -> new ArrayList<>()).add(i.id());
        }
        return byApp;
    }

    // ---- start ---------------------------------------------------------------------------------------

    /**
     * Starts apps not running yet (all-or-nothing for binding fronts and for launches that cannot begin) and waits
     * until each instance is ready or failed.
     */
    public List<String> start(List<AppConfig> configs) {
        return start(configs, ReloadListener.NONE);
    }

    /**
     * {@link #start(List)}, telling {@code progress} about each instance as it comes online or fails. Apps with
     * {@code autostart: false} are added stopped.
     */
    public List<String> start(List<AppConfig> configs, ReloadListener progress) {
        return start(configs, c -> c.autostart() ? Set.of() : allIndexes(c.instances()), progress);
    }

    private static Set<Integer> allIndexes(int count) {
        return IntStream.range(0, count).boxed().collect(Collectors.toSet());
    }

    /** @param leaveStopped per app, the instance indexes to add without launching them */
    private List<String> start(List<AppConfig> configs, Function<AppConfig, Set<Integer>> leaveStopped, ReloadListener progress) {
        List<String> names = new ArrayList<>();
        List<AppConfig> fresh = new ArrayList<>();
        for (AppConfig c : configs) {
            if (app(c.name()).isPresent()) {
                names.add(c.name() + " (already running)");
            } else {
                fresh.add(c);
            }
        }
        List<Front> bound = new ArrayList<>();
        try {
            for (AppConfig c : fresh) {
                bound.add(c.hasFront() ? fronts.create(c) : null);
            }
        } catch (RuntimeException e) {
            bound.stream().filter(f -> f != null).forEach(Front::close);
            throw e;
        }
        List<App> started = new ArrayList<>();
        for (int k = 0; k < fresh.size(); k++) {
            AppConfig c = fresh.get(k);
            App app = new App(c, services, bound.get(k), services.owners(), nextId::getAndIncrement, this::newCoordinator);
            boolean added;
            synchronized (apps) {
                added = apps.putIfAbsent(c.name(), app) == null;
            }
            if (!added) {
                app.front().ifPresent(Front::close);
                names.add(c.name() + " (already running)");
                continue;
            }
            services.events().appAdded(app);
            started.add(app);
            names.add(c.name() + (c.autostart() ? "" : " (autostart: false, added stopped)"));
        }
        List<CompletableFuture<Duration>> waits = new ArrayList<>();
        // Each app's launch runs on its own owner, LAUNCH_WINDOW of them at a time: the next app's launch overlaps
        // this thread's bookkeeping and the last one's events (one at a time, 1,000 apps were 1,000 round trips).
        ArrayDeque<Map.Entry<App, CompletableFuture<Map<Integer, CompletableFuture<Duration>>>>> inFlight = new ArrayDeque<>();
        Optional<LaunchException> failure = Optional.empty();
        for (int k = 0; k < started.size() || !inFlight.isEmpty(); ) {
            if (k < started.size() && inFlight.size() < LAUNCH_WINDOW && failure.isEmpty()) {
                App app = started.get(k++);
                Set<Integer> stopped = leaveStopped.apply(app.config());
                inFlight.add(Map.entry(app, app.call(() -> app.addAndLaunch(app.config().instances(), stopped))));
                continue;
            }
            if (inFlight.isEmpty()) {
                break; // a launch failed: no more are begun
            }
            var next = inFlight.poll();
            App app = next.getKey();
            Map<Integer, CompletableFuture<Duration>> launched = awaitOwner(app, next.getValue());
            launched.forEach((id, w) -> waits.add(reportWhenSettled(app.name(), id, w, progress)));
            for (CompletableFuture<Duration> w : launched.values()) {
                failure = failure.or(() -> launchFailure(w));
            }
        }
        if (failure.isPresent()) {
            // A launch that cannot even begin (log file, executable, port held) leaves nothing: the apps this
            // call started go, fronts and all, and the error names the app, the instance and the cause.
            started.forEach(a -> deleteApp(a, "start failed"));
            throw failure.get();
        }
        started.forEach(this::configureTriggers);
        awaitSettled(waits, started.stream().map(App::config).toList());
        return names;
    }

    /** Tells {@code progress} when this instance's launch settles; the returned future completes after the line. */
    private static CompletableFuture<Duration> reportWhenSettled(String app, int id, CompletableFuture<Duration> launch,
                                                                 ReloadListener progress) {
        if (progress == ReloadListener.NONE) {
            return launch;
        }
        return launch.whenComplete((took, error) -> progress.line(app, error == null
                ? app + "[" + id + "] online (ready in " + took.toMillis() + " ms)"
                : app + "[" + id + "] failed: " + unwrap(error).getMessage()));
    }

    /**
     * (Re-)arms an app's cron_restart and watch from its current config. Only for an app still in the table: a
     * delete that ran meanwhile removes what this armed (the triggers are kept per app object, never per name).
     */
    private void configureTriggers(App app) {
        if (!isCurrent(app)) {
            return;
        }
        AppConfig c = app.config();
        List<Path> own = new ArrayList<>();
        // The app's own log files never count as a change: every instance's (also those a scale adds later), and
        // the combined log_file.
        own.add(services.logDir().resolve(app.name() + "-"));
        for (Instance i : app.allInstances()) {
            own.add(i.outPath());
            own.add(i.errPath());
        }
        c.logFile().ifPresent(f -> own.add(services.logDir().resolve(f)));
        try {
            triggers.configure(app, c, own);
        } catch (RuntimeException e) {
            LOG.warn("{}: cron_restart/watch not armed: {}", app.name(), e.getMessage());
        }
        if (!isCurrent(app)) {
            triggers.remove(app);
        }
    }

    private boolean isCurrent(App app) {
        return app(app.name()).orElse(null) == app;
    }

    /**
     * The CLI's start/reload/startOrReload of an apps document (pm2's startOrReload). Refused whole, before anything
     * changes, when an app name is already used by another script or a running app's port or front would change.
     * Each running app's owner then decides in one command (see {@link #applyTo}); the apps not running are
     * started in the background, so the caller follows each instance coming online instead of waiting in silence.
     */
    public List<CompletableFuture<ReloadResult>> beginApply(AppsRequest request, ReloadRequest.Kind kind, int parallel,
                                                            boolean force, ReloadListener listener) {
        LoadedApps loaded = loader.load(request);
        for (AppConfig c : loaded.apps()) {
            Optional<App> running = app(c.name());
            if (running.isEmpty()) {
                continue;
            }
            AppConfig now = running.get().config();
            if (!scriptOf(now).equals(scriptOf(c))) {
                throw new SupervisorException("app name '" + c.name() + "' is already used by another script: running "
                        + String.join(" ", now.command()) + ", asked for " + String.join(" ", c.command())
                        + " (pick another --name, or delete '" + c.name() + "' first)");
            }
            if (c.port() != now.port() || c.front() != now.front()) {
                throw new SupervisorException(request.source() + ": app '" + c.name() + "': changing 'port' or 'front' needs delete and start, not reload");
            }
        }
        for (String w : loaded.warnings()) {
            listener.line("", "warning: " + w);
        }
        List<CompletableFuture<ReloadResult>> results = new ArrayList<>();
        List<AppConfig> toStart = new ArrayList<>();
        for (AppConfig c : loaded.apps()) {
            Optional<App> present = app(c.name());
            if (present.isEmpty()) {
                toStart.add(c);
            } else {
                results.add(applyTo(present.get(), c, kind, parallel, force, listener));
            }
        }
        if (!toStart.isEmpty()) {
            results.add(CompletableFuture.supplyAsync(() -> {
                long t0 = System.currentTimeMillis();
                List<String> names = start(toStart, listener);
                names.forEach(n -> listener.line(n, "started " + n));
                return new ReloadResult("(start)", "done", 0, 0, System.currentTimeMillis() - t0, "", names);
            }, reloadExecutor).exceptionally(e -> new ReloadResult("(start)", "failed", 0, 0, 0, unwrap(e).getMessage(), List.of())));
        }
        return results;
    }

    /**
     * The program an app runs (the spec's normalized {@code script}): new args, interpreter or env for the same
     * script are a new config to apply, another script under the same name is a mistake to refuse.
     */
    private static String scriptOf(AppConfig c) {
        try {
            String script = JSON.readTree(c.spec()).path("script").asText("");
            return script.isEmpty() ? String.join(" ", c.command()) : script;
        } catch (IOException e) {
            return String.join(" ", c.command());
        }
    }

    /**
     * An apps document's config for one app that is in the table, decided on its owner so that nothing starts or
     * stops in between: with an instance running (or a reload under way) the config comes by the zero-downtime
     * reload (the file's instance count too: the reload scales); with nothing running there is nothing to keep
     * serving, so the app and its instances take the config, start, and take the file's instance count.
     */
    private CompletableFuture<ReloadResult> applyTo(App app, AppConfig next, ReloadRequest.Kind kind, int parallel,
                                                   boolean force, ReloadListener listener) {
        ReloadRequest req = new ReloadRequest(kind, Set.of(), parallel, force, Optional.of(next));
        long t0 = System.nanoTime();
        record Applied(CompletableFuture<ReloadResult> reload, Map<Integer, CompletableFuture<Duration>> launched,
                       CompletableFuture<Void> scaled) {
        }
        Applied applied = onOwner(app, () -> {
            app.refuseIfRetired();
            if (!app.reloads().isIdle() || app.instances().stream().anyMatch(i -> i.status().isRunning())) {
                return new Applied(app.reloads().submit(req, listener), Map.of(), null);
            }
            app.takeConfig(next);
            List<Integer> ids = app.ids();
            Map<Integer, CompletableFuture<Duration>> launched = app.launchIds(ids.subList(0, Math.min(ids.size(), next.instances())), false);
            return new Applied(null, launched, app.scaleTo(next.instances()));
        });
        if (applied.reload() != null) {
            listener.line(app.name(), app.name() + ": running, applying the new config and environment by reload");
            applied.reload().whenCompleteAsync((r, e) -> configureTriggers(app), reloadExecutor);
            return applied.reload();
        }
        listener.line(app.name(), app.name() + ": not running, starting it with the new config");
        configureTriggers(app);
        List<CompletableFuture<Duration>> waits = new ArrayList<>();
        applied.launched().forEach((id, w) -> waits.add(reportWhenSettled(app.name(), id, w, listener)));
        List<CompletableFuture<?>> settled = new ArrayList<>();
        waits.forEach(w -> settled.add(w.handle((r, e) -> null)));
        settled.add(applied.scaled().handle((r, e) -> null));
        Duration limit = next.readinessTimeout().plus(next.killTimeout()).plus(STOP_SLACK);
        return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, limit.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(v -> {
                    long failed = waits.stream().filter(w -> !w.isDone() || w.isCompletedExceptionally()).count();
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    String reason = failed == 0 ? "" : failed + " instance(s) not online within " + limit.toMillis() + " ms; see the list";
                    String line = app.name() + ": started with the new config, " + (waits.size() - failed) + " online, " + failed + " failed";
                    listener.line(app.name(), line);
                    return new ReloadResult(app.name(), failed == 0 ? "done" : "failed", (int) (waits.size() - failed), (int) failed,
                            ms, reason, List.of(line));
                });
    }

    /** pm2's {@code start <name|id>}: launches the matching instances that are not running; returns their ids. */
    public List<Integer> startStopped(String target) {
        Map<App, List<Integer>> byApp = resolveByApp(target);
        List<Integer> launchedIds = new ArrayList<>();
        List<CompletableFuture<Duration>> waits = new ArrayList<>();
        for (Map.Entry<App, List<Integer>> e : byApp.entrySet()) {
            App app = e.getKey();
            Map<Integer, CompletableFuture<Duration>> launched = onOwner(app, () -> {
                app.refuseWhileReloading("start");
                return app.launchIds(e.getValue(), false);
            });
            launchedIds.addAll(launched.keySet());
            waits.addAll(launched.values());
        }
        awaitSettled(waits, byApp.keySet().stream().map(App::config).toList());
        return launchedIds;
    }

    /** The environment an instance was (or will be) started with, as pm2's {@code env <id>}: read on its owner. */
    public Map<String, String> environment(int id) {
        for (App a : apps()) {
            Optional<Instance> i = a.instance(id);
            if (i.isPresent()) {
                return onOwner(a, () -> new TreeMap<>(i.get().launchEnvironment()));
            }
        }
        throw new UnknownTargetException(Integer.toString(id));
    }

    /**
     * A trigger's reload (cron_restart, watch): through the pipeline, never a kill in place. Called on a timer or
     * watch thread, so it only posts: the owner decides (no instance online: nothing to reload) and submits; a
     * refusal (a reload already runs and {@code queue} is false, the app is being deleted) is logged.
     */
    @Override
    public void reloadApp(String name, String why, boolean queue) {
        Optional<App> found = app(name);
        if (found.isEmpty()) {
            return;
        }
        App app = found.get();
        ReloadRequest req = new ReloadRequest(ReloadRequest.Kind.HARD, Set.of(), 0, queue, Optional.empty());
        app.call(() -> {
            app.refuseIfRetired();
            if (app.instances().stream().noneMatch(i -> i.status() == ProcessStatus.ONLINE)) {
                LOG.info("{}: {}: no instance online, nothing to reload", name, why);
                return null;
            }
            LOG.info("{}: reload ({})", name, why);
            return app.reloads().submit(req, (a, line) -> LOG.info("{}: {}", a, line));
        }).whenComplete((r, e) -> {
            if (e != null) {
                LOG.warn("{}: {}: reload not started: {}", name, why, unwrap(e).getMessage());
            }
        });
    }

    public List<String> start(Path appsFile, String envName) {
        return start(loader.load(appsFile, envName));
    }

    private ReloadCoordinator newCoordinator(App app) {
        return new ReloadCoordinator(app, pipeline, reloadExecutor, services.events());
    }

    private static Optional<LaunchException> launchFailure(CompletableFuture<Duration> launch) {
        if (!launch.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            launch.getNow(null);
        } catch (CompletionException e) {
            if (e.getCause() instanceof LaunchException le) {
                return Optional.of(le);
            }
        }
        return Optional.empty();
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

    /** Stops the target's instances. A running reload of their app is cancelled and rolled back first. */
    public List<Integer> stop(String target) {
        Map<App, List<Integer>> byApp = resolveByApp(target);
        List<CompletableFuture<?>> all = new ArrayList<>();
        byApp.forEach((app, ids) -> all.add(cancelReload(app, "stop").thenCompose(v -> app.call(() -> app.stopNow(ids, "stop", false)))
                .thenCompose(f -> f)));
        awaitAll(all, stopLimit(byApp.keySet()), "stop " + target);
        return flatten(byApp);
    }

    /** Stop, then start: pm2's restart (use reload for no downtime). Refused while the app reloads. */
    public List<Integer> restart(String target) {
        return restart(target, Optional.empty());
    }

    /**
     * pm2's restart; with {@code newCliEnv} ({@code --update-env}) the apps take the CLI's environment first, in the
     * same owner command that stops the instances. The instances relaunch with their app's current config, and each
     * restart counts (↺), as in pm2.
     */
    public List<Integer> restart(String target, Optional<Map<String, String>> newCliEnv) {
        Map<App, List<Integer>> byApp = resolveByApp(target);
        List<CompletableFuture<Map<Integer, CompletableFuture<Duration>>>> launches = new ArrayList<>();
        for (Map.Entry<App, List<Integer>> e : byApp.entrySet()) {
            App app = e.getKey();
            List<Integer> ids = e.getValue();
            CompletableFuture<Void> stopped = onOwner(app, () -> {
                app.refuseWhileReloading("restart");
                newCliEnv.ifPresent(env -> app.useConfig(app.config().withBaseEnv(env)));
                return app.stopNow(ids, "restart", false);
            });
            launches.add(stopped.thenCompose(v -> app.call(() -> app.launchIds(ids, true))));
        }
        List<CompletableFuture<Duration>> waits = new ArrayList<>();
        long deadline = System.nanoTime() + stopLimit(byApp.keySet()).toNanos();
        for (CompletableFuture<Map<Integer, CompletableFuture<Duration>>> l : launches) {
            try {
                waits.addAll(l.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).values());
            } catch (TimeoutException e) {
                throw new SupervisorException("restart " + target + ": not every process stopped in time; see the list");
            } catch (ExecutionException e) {
                throw unwrap(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SupervisorException("interrupted");
            }
        }
        awaitSettled(waits, byApp.keySet().stream().map(App::config).toList());
        return flatten(byApp);
    }

    /** Stops and removes the target's instances; an app left with none goes, front and all. Cancels a running reload. */
    public List<Integer> delete(String target) {
        Map<App, List<Integer>> byApp = resolveByApp(target);
        List<CompletableFuture<?>> all = new ArrayList<>();
        byApp.forEach((app, ids) -> all.add(deleteIds(app, ids)));
        awaitAll(all, stopLimit(byApp.keySet()), "delete " + target);
        return flatten(byApp);
    }

    /**
     * {@link #delete}, followed by the caller: every matching app is deleted at once (their stops overlap, as in
     * one {@code delete all}), and a line says "deleted NAME (ids [...])" as each one is gone, so a long stop shows
     * which app it is. Each app's future holds its outcome ("done", or "failed" with why), within its kill_timeout
     * and some slack; an unknown target is refused before anything is touched.
     */
    public List<CompletableFuture<ReloadResult>> beginDelete(String target, ReloadListener progress) {
        if (target.trim().equals("all") && apps().isEmpty()) {
            return List.of(); // nothing to delete: done, as scripts that clean up with `delete all` expect
        }
        Map<App, List<Integer>> byApp = resolveByApp(target);
        List<CompletableFuture<ReloadResult>> results = new ArrayList<>();
        byApp.forEach((app, ids) -> {
            long t0 = System.currentTimeMillis();
            Duration limit = stopLimit(List.of(app));
            String idList = ids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
            results.add(deleteIds(app, ids).orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS).handle((v, e) -> {
                long took = System.currentTimeMillis() - t0;
                if (e == null) {
                    progress.line(app.name(), "deleted " + app.name() + " (ids " + idList + ")");
                    return new ReloadResult(app.name(), "done", 0, 0, took, "", List.of());
                }
                String why = cause(e) instanceof TimeoutException
                        ? "not every process stopped within " + limit.toMillis() + " ms; see the list"
                        : unwrap(e).getMessage();
                LOG.error("delete {}: {}", app.name(), why);
                return new ReloadResult(app.name(), "failed", 0, 0, took, why, List.of());
            }));
        });
        return results;
    }

    /**
     * The delete of some (or all) of an app's instances. Deleting them all retires the app at once (no new reload,
     * restart or scale may begin), then the running reload is cancelled and rolled back, then the instances are
     * doomed (nothing may launch them again) and stopped in one command, then removed.
     */
    private CompletableFuture<Void> deleteIds(App app, List<Integer> ids) {
        return app.call(() -> {
                    if (app.ids().stream().allMatch(ids::contains)) {
                        app.retire();
                    }
                    return app.reloads().cancel("delete");
                })
                .thenCompose(f -> f)
                .thenCompose(v -> app.call(() -> {
                    boolean all = app.ids().stream().allMatch(ids::contains);
                    app.doom(ids, all);
                    return app.stopNow(ids, "delete", all).thenCompose(s -> app.call(() -> {
                        app.removeIds(ids, all);
                        return app.retireIfEmpty();
                    }));
                }))
                .thenCompose(f -> f)
                .thenAccept(empty -> {
                    if (empty) {
                        removeApp(app);
                    }
                });
    }

    /** The whole app, whatever it is doing (a failed start, kill of the daemon). */
    private void deleteApp(App app, String why) {
        CompletableFuture<Void> f = app.call(() -> {
                    app.retire();
                    return app.reloads().cancel(why);
                })
                .thenCompose(x -> x)
                .thenCompose(v -> app.call(() -> {
                    app.doom(app.ids(), true);
                    return app.stopNow(app.ids(), why, true);
                }))
                .thenCompose(x -> x)
                .thenCompose(v -> app.call(() -> {
                    app.removeIds(app.ids(), true);
                    return null;
                }))
                .thenAccept(x -> removeApp(app));
        try {
            awaitAll(List.of(f), stopLimit(List.of(app)), why + " " + app.name());
        } finally {
            removeApp(app);
        }
    }

    private CompletableFuture<Void> cancelReload(App app, String why) {
        return app.call(() -> app.reloads().cancel(why)).thenCompose(f -> f);
    }

    private void removeApp(App app) {
        boolean removed;
        synchronized (apps) {
            removed = apps.remove(app.name(), app);
        }
        triggers.remove(app);
        if (removed) {
            app.front().ifPresent(Front::close);
            services.events().appRemoved(app);
            LOG.info("app {} deleted", app.name());
        }
    }

    /** kill_timeout of the slowest app, plus the SIGKILL grace and a rollback's kill of a candidate. */
    private static Duration stopLimit(Collection<App> apps) {
        return apps.stream().map(a -> a.config().killTimeout()).max(Duration::compareTo).orElse(Duration.ZERO).plus(STOP_SLACK);
    }

    private static void awaitAll(List<CompletableFuture<?>> all, Duration limit, String what) {
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.error("{}: not done within {} ms", what, limit.toMillis());
            throw new SupervisorException(what + ": not every process stopped within " + limit.toMillis() + " ms; see the list");
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SupervisorException(what + ": interrupted");
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        Throwable c = cause(t);
        return c instanceof RuntimeException r ? r : new IllegalStateException(c);
    }

    /** What a future's failure is about, out of the CompletionException or ExecutionException around it. */
    private static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Runs a command on the app's owner and returns its value (its exception, as thrown). */
    private static <T> T onOwner(App app, Supplier<T> command) {
        return awaitOwner(app, app.call(command));
    }

    /** The result of a command already given to {@code app}'s owner, waited for at most OWNER_LIMIT. */
    private static <T> T awaitOwner(App app, CompletableFuture<T> call) {
        try {
            return call.get(OWNER_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (TimeoutException e) {
            throw new SupervisorException("the owner of app " + app.name() + " did not answer within " + OWNER_LIMIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SupervisorException("interrupted");
        }
    }

    // ---- reload --------------------------------------------------------------------------------------

    /**
     * Starts the reload of every app the target touches, each through its app's owner. Returns one future per app.
     * An apps file as target reloads its running apps with the file's config and starts the others.
     */
    public List<CompletableFuture<ReloadResult>> beginReload(String target, ReloadRequest.Kind kind, int parallel,
                                                             boolean force, String envName, ReloadListener listener) {
        return beginReload(target, kind, parallel, force, envName, false, listener);
    }

    /** As above; {@code surge} starts every new instance at once beside the old ones (see {@link ReloadRequest#surge()}). */
    public List<CompletableFuture<ReloadResult>> beginReload(String target, ReloadRequest.Kind kind, int parallel,
                                                             boolean force, String envName, boolean surge,
                                                             ReloadListener listener) {
        if (AppsFileLoader.isAppsFile(target)) {
            return beginReloadOfFile(Path.of(target), kind, parallel, force, envName, surge, listener);
        }
        Map<App, List<Integer>> byApp = resolveByApp(target);
        List<CompletableFuture<ReloadResult>> results = new ArrayList<>();
        for (Map.Entry<App, List<Integer>> e : byApp.entrySet()) {
            ReloadRequest req = new ReloadRequest(kind, new TreeSet<>(e.getValue()), parallel, force, Optional.empty(), surge);
            results.add(submitReload(e.getKey(), req, listener));
        }
        return results;
    }

    private CompletableFuture<ReloadResult> submitReload(App app, ReloadRequest req, ReloadListener listener) {
        CompletableFuture<ReloadResult> r = onOwner(app, () -> {
            app.refuseIfRetired();
            return app.reloads().submit(req, listener);
        });
        if (req.newConfig().isPresent()) {
            // The file may change cron_restart or watch: re-armed from the config the app has once the reload ended.
            r.whenCompleteAsync((done, error) -> configureTriggers(app), reloadExecutor);
        }
        return r;
    }

    private List<CompletableFuture<ReloadResult>> beginReloadOfFile(Path file, ReloadRequest.Kind kind, int parallel,
                                                                   boolean force, String envName, boolean surge,
                                                                   ReloadListener listener) {
        List<AppConfig> configs = loader.load(file, envName);
        List<CompletableFuture<ReloadResult>> results = new ArrayList<>();
        List<AppConfig> toStart = new ArrayList<>();
        for (AppConfig c : configs) {
            Optional<App> running = app(c.name());
            if (running.isPresent()) {
                if (c.port() != running.get().config().port() || c.front() != running.get().config().front()) {
                    throw new SupervisorException(file + ": app '" + c.name() + "': changing 'port' or 'front' needs delete and start, not reload");
                }
            } else {
                toStart.add(c);
            }
        }
        for (AppConfig c : configs) {
            app(c.name()).filter(a -> !toStart.contains(c))
                    .ifPresent(a -> results.add(submitReload(a, new ReloadRequest(kind, Set.of(), parallel, force, Optional.of(c), surge), listener)));
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

    /** Reloads these instances of one app (max_memory_restart); throws when the app already reloads. */
    public CompletableFuture<ReloadResult> reloadInstances(App app, Set<Integer> ids, ReloadListener listener) {
        return submitReload(app, new ReloadRequest(ReloadRequest.Kind.HARD, ids, 0, false, Optional.empty()), listener);
    }

    // ---- scale ---------------------------------------------------------------------------------------

    /** Sets the number of instances; refused while the app reloads. */
    public List<Integer> scale(String appName, int instances) {
        if (instances < 0 || instances > MAX_INSTANCES) {
            throw new SupervisorException("scale " + appName + " " + instances + ": the number of instances must be 0.." + MAX_INSTANCES);
        }
        return scaleWith(appName, "scale " + appName + " " + instances, current -> instances);
    }

    /**
     * pm2's {@code scale app +N} / {@code -N}: relative to the number of instances the owner sees when it runs the
     * command, so two concurrent {@code +1} give two more. Refused while the app reloads.
     */
    public List<Integer> scaleBy(String appName, int delta) {
        String what = "scale " + appName + " " + (delta >= 0 ? "+" : "") + delta;
        return scaleWith(appName, what, current -> {
            int wanted = current + delta;
            if (wanted < 1) {
                throw new SupervisorException(what + ": it has " + current + " instance(s); at least 1 must stay (use stop or delete to stop them all)");
            }
            if (wanted > MAX_INSTANCES) {
                throw new SupervisorException(what + ": it has " + current + " instance(s); at most " + MAX_INSTANCES + " are allowed");
            }
            return wanted;
        });
    }

    private List<Integer> scaleWith(String appName, String what, IntUnaryOperator wantedFromCurrent) {
        App app = requireApp(appName);
        CompletableFuture<Void> done = onOwner(app, () -> {
            app.refuseWhileReloading("scale");
            int wanted = wantedFromCurrent.applyAsInt(app.ids().size());
            app.useConfig(app.config().withInstances(wanted));
            return app.scaleTo(wanted);
        });
        Duration limit = app.config().readinessTimeout().plus(app.config().killTimeout()).plus(STOP_SLACK);
        awaitAll(List.of(done), limit, what);
        return ids(app.instances());
    }

    /**
     * pm2's {@code --update-env} before a reload: the apps' environment base becomes {@code cliEnv}, on each owner,
     * for the instances launched next (the reload's new ones). Not refused during a reload, so that
     * {@code reload --force --update-env} can queue behind one.
     */
    public List<String> setEnvironment(String target, Map<String, String> cliEnv) {
        List<String> names = new ArrayList<>();
        for (App a : resolveByApp(target).keySet()) {
            onOwner(a, () -> {
                a.refuseIfRetired();
                a.useConfig(a.config().withBaseEnv(cliEnv));
                return null;
            });
            names.add(a.name());
        }
        return names;
    }

    // ---- other operations ----------------------------------------------------------------------------

    public List<Integer> sendSignal(String signal, String target) {
        String sig = normalizeSignal(signal);
        Map<App, List<Integer>> byApp = resolveByApp(target);
        byApp.forEach((app, ids) -> onOwner(app, () -> {
            app.sendSignal(ids, sig);
            return null;
        }));
        return flatten(byApp);
    }

    /** One instance (its Process MBean): through its app's owner like every other change. */
    public void sendSignal(Instance instance, String signal) {
        String sig = normalizeSignal(signal);
        onOwner(instance.app(), () -> {
            instance.sendSignal(sig);
            return null;
        });
    }

    /** A line to the instance's stdin. */
    public void sendLine(Instance instance, String line) {
        onOwner(instance.app(), () -> {
            instance.sendLine(line);
            return null;
        });
    }

    public static String normalizeSignal(String signal) {
        try {
            return Signals.normalize(signal);
        } catch (IllegalArgumentException e) {
            throw new SupervisorException(e.getMessage());
        }
    }

    public List<Integer> reset(String target) {
        Map<App, List<Integer>> byApp = resolveByApp(target);
        byApp.forEach((app, ids) -> onOwner(app, () -> {
            app.resetCounters(ids);
            return null;
        }));
        return flatten(byApp);
    }

    public String describe(String target) {
        StringBuilder sb = new StringBuilder();
        for (Instance i : resolve(target)) {
            describeInto(sb, i);
        }
        return sb.toString();
    }

    /** "done, 2 replaced, 0 failed in 970 ms (switched in 873 ms; slowest new instance ready in 842 ms)". */
    static String describeReload(dev.supervisor.mbeans.ReloadResult r) {
        return r.getOutcome() + ", " + r.getReplaced() + " replaced, " + r.getFailed() + " failed in " + r.getDurationMillis()
                + " ms" + (r.getSwitchedMillis() == 0 ? "" : " (switched in " + r.getSwitchedMillis() + " ms; slowest new instance ready in "
                + r.getSlowestStartMillis() + " ms)") + (r.getReason().isEmpty() ? "" : ": " + r.getReason());
    }

    /** One instance, then the old one a running reload set aside under the same id, if any. */
    private static void describeInto(StringBuilder sb, Instance i) {
        List<Instance> shown = new ArrayList<>(List.of(i));
        i.app().asideInstances().stream().filter(x -> x.id() == i.id()).forEach(shown::add);
        for (Instance x : shown) {
            ProcessInfo p = x.info();
            AppConfig c = x.config();
            ReloadCoordinator r = i.app().reloads();
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
            row(sb, "config", dev.supervisor.reload.ConfigIds.of(c));
            row(sb, "port", c.port() == 0 ? "-" : c.port() + (c.hasFront() ? " (front: " + c.front().label() + ", private " + p.getPrivatePort() + ")" : ""));
            row(sb, "kill signal", c.killSignal() + ", SIGKILL after " + c.killTimeout().toMillis() + " ms");
            row(sb, "restart policy", (c.autorestart() ? "autorestart" : "no autorestart") + ", max_restarts " + c.maxRestarts()
                    + ", min_uptime " + c.minUptime().toMillis() + " ms");
            row(sb, "out log", p.getOutLog());
            row(sb, "error log", p.getErrLog());
            row(sb, "reload", r.state().label() + (r.step() == ReloadStep.NONE ? "" : " (step " + r.step() + ")"));
            if (!i.app().interruptedReload().isEmpty()) {
                row(sb, "last reload", i.app().interruptedReload());
            } else if (r.lastResult() != null) {
                row(sb, "last reload", describeReload(r.lastResult()));
            }
            sb.append('\n');
        }
    }

    private static void row(StringBuilder sb, String key, String value) {
        sb.append(String.format("  %-18s %s%n", key, value));
    }

    /** Writes every app (with its current instance count) to the dump file. */
    public Path save() {
        dump.write(specs());
        LOG.info("saved app(s) to {}", dump.path());
        return dump.path();
    }

    /**
     * Each app's spec as JSON with its current instance count; during a reload, the config it had before (what a
     * rollback returns to, and what a daemon restart restores).
     */
    public List<String> specs() {
        return apps().stream().map(God::specOf).toList();
    }

    /** One app's spec, as {@link #specs()} writes it. */
    public static String specOf(App app) {
        AppConfig c = app.reloads().configBeforeReload().orElse(app.config());
        try {
            ObjectNode spec = (ObjectNode) JSON.readTree(c.spec());
            spec.put("instances", app.instances().size());
            spec.put("namespace", c.namespace());
            // The CLI environment the app runs with (--update-env may have changed it since the spec was made).
            spec.set(AppsFileLoader.BASE_ENV_FIELD, JSON.valueToTree(new TreeMap<>(c.baseEnv())));
            return spec.toString();
        } catch (IOException e) {
            throw new SupervisorException("cannot save app " + app.name() + ": " + e.getMessage());
        }
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
        }, reloadExecutor).exceptionally(e -> {
            String why = unwrap(e).getMessage();
            progress.line("", "resurrect failed: " + why);
            return new ReloadResult("(resurrect)", "failed", 0, 0, 0, why, List.of());
        });
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

    /** Restores apps from specs (the daemon's record after an unclean death); notes an interrupted reload on its app. */
    public List<String> restore(List<String> specs, String source, Map<String, String> interruptedReloads,
                                Map<String, Set<Integer>> stoppedIndexes) {
        List<AppConfig> configs = loader.loadSpecs(specs, source);
        // The record says which instances ran: autostart plays no part in bringing back what was running.
        List<String> started = start(configs.stream().filter(c -> app(c.name()).isEmpty()).toList(),
                c -> stoppedIndexes.getOrDefault(c.name(), Set.of()), ReloadListener.NONE);
        interruptedReloads.forEach((name, text) -> app(name).ifPresent(a -> a.noteInterruptedReload(text)));
        return started;
    }

    /** See {@link DumpFile#status()}. */
    public String dumpStatus() {
        return dump.status();
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

    /**
     * Stops every app gracefully (kill_signal, then SIGKILL after kill_timeout), all apps at once, running reloads
     * cancelled and rolled back first; closes the fronts. Bounded by the slowest app's kill_timeout plus slack.
     */
    @Override
    public void close() {
        triggers.close();
        List<App> all = apps();
        List<CompletableFuture<?>> fs = new ArrayList<>();
        for (App app : all) {
            fs.add(app.call(() -> {
                        app.retire();
                        return app.reloads().cancel("supervisor shutting down");
                    }).thenCompose(f -> f)
                    .thenCompose(v -> app.call(() -> {
                        app.doom(app.ids(), true);
                        return app.stopNow(app.ids(), "supervisor shutting down", true);
                    }))
                    .thenCompose(f -> f)
                    .thenCompose(v -> app.call(() -> {
                        app.removeIds(app.ids(), true);
                        app.retire();
                        return null;
                    })));
        }
        try {
            awaitAll(fs, stopLimit(all), "shutdown");
        } catch (RuntimeException e) {
            LOG.error("shutdown: {}", e.getMessage());
        }
        all.forEach(this::removeApp);
    }

    private static List<Integer> flatten(Map<App, List<Integer>> byApp) {
        return byApp.values().stream().flatMap(List::stream).toList();
    }

    private static List<Integer> ids(List<Instance> instances) {
        return instances.stream().map(Instance::id).toList();
    }
}
