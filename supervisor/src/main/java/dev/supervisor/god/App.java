package dev.supervisor.god;

import dev.supervisor.config.AppConfig;
import dev.supervisor.front.Backend;
import dev.supervisor.front.DrainResult;
import dev.supervisor.front.Front;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.reload.ReloadCoordinator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One app: its config, its instances by id, the old instances a reload has set aside, and its front.
 * The table is changed only through the God and the reload pipeline.
 */
public final class App {
    private final String name;
    private final InstanceServices services;
    private final Front front;
    private final ReloadCoordinator reloads;
    private volatile AppConfig config;
    private final TreeMap<Integer, Instance> instances = new TreeMap<>();
    private final List<Instance> aside = new ArrayList<>();

    App(AppConfig config, InstanceServices services, Front front, ReloadCoordinator.Factory reloads) {
        this.name = config.name();
        this.config = config;
        this.services = services;
        this.front = front;
        this.reloads = reloads.create(this);
    }

    public String name() {
        return name;
    }

    public AppConfig config() {
        return config;
    }

    public void updateConfig(AppConfig newConfig) {
        this.config = newConfig;
    }

    public Optional<Front> front() {
        return Optional.ofNullable(front);
    }

    public ReloadCoordinator reloads() {
        return reloads;
    }

    /** The instances serving under their ids, by id. */
    public synchronized List<Instance> instances() {
        return new ArrayList<>(instances.values());
    }

    /** Old instances set aside by a running reload. */
    public synchronized List<Instance> asideInstances() {
        return new ArrayList<>(aside);
    }

    public synchronized List<Instance> allInstances() {
        List<Instance> all = new ArrayList<>(instances.values());
        all.addAll(aside);
        return all;
    }

    public synchronized Optional<Instance> instance(int id) {
        return Optional.ofNullable(instances.get(id));
    }

    public long onlineCount() {
        return instances().stream().filter(i -> i.status() == ProcessStatus.ONLINE).count();
    }

    synchronized Instance addInstance(int id, int index) {
        Instance i = new Instance(this, id, index, config, services);
        instances.put(id, i);
        services.events().instanceBound(i);
        return i;
    }

    synchronized void removeInstance(Instance i) {
        if (instances.get(i.id()) == i) {
            instances.remove(i.id());
        }
        aside.remove(i);
        i.releaseLogs();
        services.events().instanceRemoved(i);
    }

    /** Reload step 1: the old entry moves aside and a fresh one takes its id (pm2's {@code _old_<id>}). */
    public synchronized Instance replaceWithNew(Instance old) {
        if (instances.get(old.id()) != old) {
            throw new IllegalStateException(old + " is not the instance serving under id " + old.id());
        }
        old.setAside(true);
        aside.add(old);
        services.events().instanceSetAside(old);
        Instance fresh = new Instance(this, old.id(), old.index(), config, services);
        fresh.inheritCounters(old);
        instances.put(old.id(), fresh);
        services.events().instanceBound(fresh);
        return fresh;
    }

    /** Rollback: the old entry goes back under its id; the failed new one leaves the table. */
    public synchronized void restore(Instance old, Instance failed) {
        aside.remove(old);
        old.setAside(false);
        instances.put(old.id(), old);
        failed.releaseLogs();
        services.events().instanceRemoved(failed);
        services.events().instanceBound(old);
    }

    /** After a successful replacement: the drained old entry leaves the table. */
    public synchronized void dropAside(Instance old) {
        aside.remove(old);
        old.releaseLogs();
        services.events().instanceRemoved(old);
    }

    void frontJoin(Backend backend) {
        if (front != null) {
            front.addBackend(backend);
        }
    }

    CompletableFuture<DrainResult> frontLeave(Backend backend, Duration drainTimeout) {
        return front == null ? CompletableFuture.completedFuture(new DrainResult(0, false)) : front.removeBackend(backend, drainTimeout);
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
}
