package dev.supervisor.management;

import dev.supervisor.god.App;
import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.mbeans.ReloadStep;
import dev.supervisor.reload.ReloadRequest;

import javax.management.NotificationBroadcasterSupport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Thin adapter: one app as {@code supervisor:type=App,name=<name>}; every operation goes to the God. */
final class AppMBean extends NotificationBroadcasterSupport implements AppMXBean {
    private final App app;
    private final God god;
    private final Usage usage;
    private final AppHistory history;

    AppMBean(App app, God god, Usage usage, AppHistory history) {
        super(Notifications.APP_AND_GOD);
        this.app = app;
        this.god = god;
        this.usage = usage;
        this.history = history;
    }

    @Override public String getName() { return app.name(); }
    @Override public String getNamespace() { return app.config().namespace(); }
    @Override public int getInstancesWanted() { return app.config().instances(); }
    @Override public int getInstancesOnline() { return (int) app.onlineCount(); }
    @Override public int getRestarts() { return app.instances().stream().mapToInt(Instance::restarts).sum(); }
    @Override public List<Long> getPids() { return app.instances().stream().map(Instance::pid).filter(p -> p != 0).toList(); }
    @Override public String getStatus() { return app.statusSummary(); }
    @Override public int getPort() { return app.config().port(); }
    @Override public String getFront() { return app.config().port() == 0 ? "none" : app.config().front().label(); }
    @Override
    public Map<String, ProcessInfo> getProcesses() {
        Map<String, ProcessInfo> byKey = new LinkedHashMap<>();
        for (ProcessInfo p : rows()) {
            byKey.put("draining".equals(p.getStatus()) ? p.getId() + "-old-" + p.getPid() : Integer.toString(p.getId()), p);
        }
        return byKey;
    }
    @Override public double getCpuPercent() { return Usage.round(rows().stream().mapToDouble(ProcessInfo::getCpuPercent).sum()); }
    @Override public long getMemoryBytes() { return rows().stream().mapToLong(ProcessInfo::getMemoryBytes).sum(); }
    @Override public List<String> getEvents() { return history.events(app.name()); }

    private List<ProcessInfo> rows() {
        return app.allInstances().stream().map(i -> usage.enrich(i.info())).toList();
    }
    @Override public String getReloadState() { return app.reloads().state().label(); }
    @Override public ReloadStep getReloadStep() { return app.reloads().step(); }
    @Override public String getReloadDetail() { return app.reloads().detail(); }
    @Override public String getReloadInterrupted() { return app.interruptedReload(); }
    @Override public ReloadResult getLastReload() { return app.reloads().lastResult(); }

    @Override
    public void start() {
        Operations.run(() -> {
            if (app.instances().isEmpty()) {
                god.scale(app.name(), Math.max(1, app.config().instances()));
            } else {
                app.instances().stream().filter(i -> !i.status().isRunning())
                        .forEach(i -> god.restart(Integer.toString(i.id())));
            }
        });
    }

    @Override
    public void stop() {
        Operations.run(() -> god.stop(app.name()));
    }

    @Override
    public void restart() {
        Operations.run(() -> god.restart(app.name()));
    }

    @Override
    public ReloadResult reload() {
        return reload(ReloadRequest.Kind.HARD);
    }

    @Override
    public ReloadResult softReload() {
        return reload(ReloadRequest.Kind.SOFT);
    }

    private ReloadResult reload(ReloadRequest.Kind kind) {
        return Operations.call(() -> god.reload(app.name(), kind).get(0));
    }

    @Override
    public void delete() {
        Operations.run(() -> god.delete(app.name()));
    }

    @Override
    public void scale(int instances) {
        Operations.run(() -> god.scale(app.name(), instances));
    }

    @Override
    public void sendSignal(String signal) {
        Operations.run(() -> god.sendSignal(signal, app.name()));
    }
}
