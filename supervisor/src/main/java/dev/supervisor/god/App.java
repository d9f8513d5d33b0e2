package dev.supervisor.god;

import dev.supervisor.config.AppConfig;
import dev.supervisor.front.Backend;
import dev.supervisor.front.DrainResult;
import dev.supervisor.front.Front;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.reload.ReloadCoordinator;
import dev.supervisor.reload.ReloadInProgressException;
import dev.supervisor.reload.Replica;
import dev.supervisor.reload.ReplicaSet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One app and its owner: its config, its instances by id, the old instances a reload has set aside, its front and
 * its reload state machine. Every change is a command run by {@link #owner()} (a serial executor); the God, the
 * MBeans, timers, process exits and readiness all post commands here. Readers on other threads see immutable
 * snapshots. Implements the {@link ReplicaSet} the reload pipeline drives.
 */
public final class App implements ReplicaSet {
    private final String name;
    private final InstanceServices services;
    private final Front front;
    private final Mailbox owner;
    private final IntSupplier ids;
    private final ReloadCoordinator reloads;
    private volatile AppConfig config;
    private volatile String interruptedReload = "";
    private boolean retired;

    // Owner only; published as snapshots.
    private final TreeMap<Integer, Instance> instances = new TreeMap<>();
    private final List<Instance> aside = new ArrayList<>();
    private volatile List<Instance> servingSnapshot = List.of();
    private volatile List<Instance> asideSnapshot = List.of();

    /** Builds the app's reload coordinator, which needs the app as its {@link ReplicaSet}. */
    @FunctionalInterface
    interface Reloads {
        ReloadCoordinator create(App app);
    }

    App(AppConfig config, InstanceServices services, Front front, Executor ownerPool, IntSupplier ids, Reloads reloads) {
        this.name = config.name();
        this.config = config;
        this.services = services;
        this.front = front;
        this.owner = new Mailbox("app " + config.name(), ownerPool);
        this.ids = ids;
        this.reloads = reloads.create(this);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AppConfig config() {
        return config;
    }

    @Override
    public Executor owner() {
        return owner;
    }

    public Optional<Front> front() {
        return Optional.ofNullable(front);
    }

    public ReloadCoordinator reloads() {
        return reloads;
    }

    /** "" or how a daemon restart interrupted a reload of this app (shown by describe and on the MBean). */
    public String interruptedReload() {
        return interruptedReload;
    }

    void noteInterruptedReload(String text) {
        this.interruptedReload = text;
    }

    // ---- the owner ---------------------------------------------------------------------------------------

    /** Runs {@code command} on the owner; the future completes after the command's events went out. */
    <T> CompletableFuture<T> call(Supplier<T> command) {
        return owner.call(command);
    }

    /** Posts a command (an exit, a readiness result, a timer) to the owner. */
    void post(Runnable command) {
        owner.execute(command);
    }

    void afterCommand(Runnable event) {
        owner.afterCommand(event);
    }

    void requireOwner(Object what) {
        owner.requireOwner(what);
    }

    private void publish() {
        servingSnapshot = List.copyOf(instances.values());
        asideSnapshot = List.copyOf(aside);
    }

    // ---- reads (any thread) ---------------------------------------------------------------------------------

    /** The instances serving under their ids, by id. */
    public List<Instance> instances() {
        return servingSnapshot;
    }

    /** Old instances set aside by a running reload. */
    public List<Instance> asideInstances() {
        return asideSnapshot;
    }

    public List<Instance> allInstances() {
        List<Instance> all = new ArrayList<>(servingSnapshot);
        all.addAll(asideSnapshot);
        return all;
    }

    public Optional<Instance> instance(int id) {
        return servingSnapshot.stream().filter(i -> i.id() == id).findFirst();
    }

    public long onlineCount() {
        return servingSnapshot.stream().filter(i -> i.status() == ProcessStatus.ONLINE).count();
    }

    /** "online 2/2", "launching 1/2", "stopped". */
    public String statusSummary() {
        List<Instance> list = instances();
        if (list.isEmpty()) {
            return "stopped";
        }
        long online = list.stream().filter(i -> i.status() == ProcessStatus.ONLINE).count();
        if (online == list.size()) {
            return "online " + online + "/" + list.size();
        }
        ProcessStatus worst = list.stream().map(Instance::status).filter(s -> s != ProcessStatus.ONLINE)
                .findFirst().orElse(ProcessStatus.ONLINE);
        if (online == 0 && list.stream().allMatch(i -> i.status() == worst)) {
            return worst.label();
        }
        return worst.label() + " (online " + online + "/" + list.size() + ")";
    }

    // ---- commands (owner only) ------------------------------------------------------------------------------

    Instance addInstance(int id, int index) {
        requireOwner(this);
        Instance i = new Instance(this, id, index, config, services);
        instances.put(id, i);
        publish();
        afterCommand(() -> services.events().instanceBound(i));
        return i;
    }

    private void removeInstance(Instance i) {
        if (instances.get(i.id()) == i) {
            instances.remove(i.id());
        }
        aside.remove(i);
        i.releaseLogs();
        publish();
        afterCommand(() -> services.events().instanceRemoved(i));
    }

    /** The app left the table: a command that would add or launch a process is refused (it would be untracked). */
    void retire() {
        retired = true;
    }

    void refuseIfRetired() {
        if (retired) {
            throw new UnknownTargetException(name);
        }
    }

    /** Adds {@code count} instances with fresh ids and the lowest free indexes, and launches them. */
    Map<Integer, CompletableFuture<Duration>> addAndLaunch(int count) {
        return addAndLaunch(count, Set.of());
    }

    /**
     * The same, leaving the instances with these indexes stopped (a restore of instances that were stopped, an app
     * with {@code autostart: false}). Returns each launched instance's readiness by id.
     */
    Map<Integer, CompletableFuture<Duration>> addAndLaunch(int count, Set<Integer> leaveStopped) {
        refuseIfRetired();
        Set<Integer> used = instances.values().stream().map(Instance::index).collect(Collectors.toSet());
        Map<Integer, CompletableFuture<Duration>> waits = new LinkedHashMap<>();
        int index = 0;
        for (int k = 0; k < count; k++) {
            while (used.contains(index)) {
                index++;
            }
            used.add(index);
            Instance i = addInstance(ids.getAsInt(), index);
            if (!leaveStopped.contains(index)) {
                waits.put(i.id(), i.launch(Instance.Mode.NORMAL));
            }
        }
        return waits;
    }

    /** Refuses an operation while a reload runs: it would undo the reload's work or race with it. */
    void refuseWhileReloading(String operation) {
        refuseIfRetired();
        if (!reloads.isIdle()) {
            throw new ReloadInProgressException("cannot " + operation + " " + name + " while it reloads (" + reloads.describeRunning()
                    + "); wait until the reload is done, or stop it (stop and delete cancel a reload and roll it back)");
        }
    }

    /** Stops the instances under these ids (missing ids are skipped); completes when every process is gone. */
    CompletableFuture<Void> stopNow(Collection<Integer> which, String why, boolean alsoAside) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int id : which) {
            Instance i = instances.get(id);
            if (i != null) {
                fs.add(i.stop(why));
            }
        }
        if (alsoAside) {
            aside.forEach(i -> fs.add(i.stop(why)));
        }
        return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new));
    }

    /**
     * Launches the stopped or errored instances under these ids with the app's current config (a restart or a start
     * after {@code --update-env} or an apps file must not relaunch an old one); the futures, by id, complete when
     * each is ready. {@code countRestart}: a user's restart, counted in the restarts (pm2's ↺).
     */
    Map<Integer, CompletableFuture<Duration>> launchIds(Collection<Integer> which, boolean countRestart) {
        refuseIfRetired();
        Map<Integer, CompletableFuture<Duration>> out = new LinkedHashMap<>();
        for (int id : which) {
            Instance i = instances.get(id);
            if (i != null && !i.status().isRunning() && !i.isDoomed()) {
                i.updateConfig(config);
                if (countRestart) {
                    i.countRestart();
                }
                out.put(id, i.launch(Instance.Mode.NORMAL));
            }
        }
        return out;
    }

    /** An apps file's config for an app with nothing running: the app and every instance take it for their next launch. */
    void takeConfig(AppConfig newConfig) {
        useConfig(newConfig);
        instances.values().forEach(i -> i.updateConfig(newConfig));
    }

    /** A delete holds these instances (and the set-aside ones): none of them may be launched again. */
    void doom(Collection<Integer> which, boolean alsoAside) {
        which.stream().map(instances::get).filter(i -> i != null).forEach(Instance::doom);
        if (alsoAside) {
            aside.forEach(Instance::doom);
        }
    }

    /** Removes the (stopped) instances under these ids, and every set-aside one when asked. */
    void removeIds(Collection<Integer> which, boolean alsoAside) {
        for (int id : which) {
            Instance i = instances.get(id);
            if (i != null) {
                removeInstance(i);
            }
        }
        if (alsoAside) {
            new ArrayList<>(aside).forEach(this::removeInstance);
        }
    }

    /** Empty: no instance serving nor set aside. An empty app being deleted retires here, in the same command. */
    boolean isEmpty() {
        return instances.isEmpty() && aside.isEmpty();
    }

    boolean retireIfEmpty() {
        if (isEmpty()) {
            retired = true;
        }
        return retired;
    }

    void sendSignal(Collection<Integer> which, String signal) {
        which.stream().map(instances::get).filter(i -> i != null).forEach(i -> i.sendSignal(signal));
    }

    void resetCounters(Collection<Integer> which) {
        which.stream().map(instances::get).filter(i -> i != null).forEach(Instance::resetCounters);
    }

    // ---- front ----------------------------------------------------------------------------------------------

    void frontJoin(Backend backend) {
        if (front != null) {
            front.addBackend(backend);
        }
    }

    CompletableFuture<Void> frontWarmedUp(Backend backend) {
        return front == null ? CompletableFuture.completedFuture(null) : front.warmedUp(backend);
    }

    CompletableFuture<DrainResult> frontLeave(Backend backend, Duration drainTimeout) {
        return front == null ? CompletableFuture.completedFuture(new DrainResult(0, false)) : front.removeBackend(backend, drainTimeout);
    }

    // ---- ReplicaSet: the reload pipeline's steps (owner only) --------------------------------------------------

    @Override
    public void useConfig(AppConfig newConfig) {
        requireOwner(this);
        this.config = newConfig;
    }

    @Override
    public List<Integer> ids() {
        return List.copyOf(instances.keySet());
    }

    @Override
    public Optional<Replica> replica(int id) {
        return Optional.ofNullable(instances.get(id));
    }

    @Override
    public Replica setAside(Replica old, AppConfig candidateConfig, Object reservation) {
        refuseIfRetired();
        Instance o = (Instance) old;
        if (instances.get(o.id()) != o) {
            throw new IllegalStateException(o + " is not the instance serving under id " + o.id());
        }
        o.reserve(reservation);
        aside.add(o);
        Instance fresh = new Instance(this, o.id(), o.index(), candidateConfig, services);
        fresh.inheritCounters(o);
        instances.put(o.id(), fresh);
        publish();
        afterCommand(() -> {
            services.events().instanceSetAside(o);
            services.events().instanceBound(fresh);
        });
        return fresh;
    }

    @Override
    public void putBack(Replica old, Replica candidate, Object reservation) {
        Instance o = (Instance) old;
        Instance c = (Instance) candidate;
        aside.remove(o);
        instances.put(o.id(), o);
        c.releaseLogs();
        publish();
        afterCommand(() -> {
            services.events().instanceRemoved(c);
            services.events().instanceBound(o);
        });
        o.putBack(reservation);
    }

    @Override
    public CompletableFuture<Duration> launchCandidate(Replica candidate) {
        CompletableFuture<Duration> ready = ((Instance) candidate).launch(Instance.Mode.CANDIDATE);
        if (ready.isCompletedExceptionally()) {
            ready.join(); // throws the launch failure: nothing of the launch is left
        }
        return ready;
    }

    @Override
    public CompletableFuture<Duration> launchCandidate(Replica candidate, int niceIncrement) {
        CompletableFuture<Duration> ready = launchCandidate(candidate);
        ((Instance) candidate).lowerPriority(niceIncrement);
        return ready;
    }

    @Override
    public CompletableFuture<Void> killCandidate(Replica candidate) {
        return ((Instance) candidate).kill("reload rolled back: the new instance goes");
    }

    @Override
    public CompletableFuture<Void> joinFront(Replica candidate) {
        Instance fresh = (Instance) candidate;
        fresh.commit();
        return fresh.warmedUp();
    }

    @Override
    public void leaveFront(Replica candidate) {
        ((Instance) candidate).uncommit();
    }

    @Override
    public CompletableFuture<DrainResult> leaveFrontAndDrain(Replica old, Object reservation) {
        return ((Instance) old).drain(reservation);
    }

    @Override
    public void rejoinFront(Replica old, Object reservation) {
        ((Instance) old).rejoin(reservation);
    }

    @Override
    public CompletableFuture<Void> stopOld(Replica old, boolean graceful, Object reservation) {
        Instance o = (Instance) old;
        return o.stopReserved(graceful, (graceful ? "soft reload" : "reload") + ": replaced", reservation);
    }

    @Override
    public void dropOld(Replica old, Object reservation) {
        removeInstance((Instance) old);
    }

    @Override
    public CompletableFuture<Duration> restartInPlace(int id, AppConfig newConfig) {
        Instance i = instances.get(id);
        if (i == null) {
            return CompletableFuture.failedFuture(new SupervisorException(name + "[" + id + "] is gone"));
        }
        return i.stop("reload: restart in place").thenCompose(v -> call(() -> {
            if (instances.get(id) != i) {
                throw new SupervisorException(i + " was removed during its restart");
            }
            i.updateConfig(newConfig);
            return i.launch(Instance.Mode.NORMAL);
        })).thenCompose(ready -> ready);
    }

    @Override
    public void assignConfig(int id, AppConfig newConfig) {
        Instance i = instances.get(id);
        if (i != null) {
            i.updateConfig(newConfig);
        }
    }

    @Override
    public CompletableFuture<Void> scaleTo(int wanted) {
        List<Instance> current = new ArrayList<>(instances.values());
        if (wanted > current.size()) {
            Collection<CompletableFuture<Duration>> waits = addAndLaunch(wanted - current.size()).values();
            return CompletableFuture.allOf(waits.stream().map(w -> w.handle((r, e) -> null)).toArray(CompletableFuture[]::new));
        }
        List<CompletableFuture<Void>> gone = new ArrayList<>();
        for (Instance i : current.subList(wanted, current.size())) {
            // Reserved first, in this command: a restart or start queued behind us must not launch it again between
            // our stop and our remove (the storm test caught a removed instance still running).
            i.doom();
            // Out of the pool first, its in-flight work drained, then stopped and removed: a scale-down drops nothing.
            gone.add(i.drainForScaleDown()
                    .thenCompose(d -> call(() -> i.stop("scale down")).thenCompose(f -> f))
                    .thenCompose(v -> call(() -> {
                        if (instances.get(i.id()) == i) {
                            removeInstance(i);
                        }
                        return null;
                    })));
        }
        return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    }

    @Override
    public String toString() {
        return "app " + name;
    }
}
