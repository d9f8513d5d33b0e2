package dev.supervisor.management;

import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ProcessMXBean;

/** Thin adapter: one instance as {@code supervisor:type=Process,app=<app>,id=<id>}. */
final class ProcessMBean implements ProcessMXBean {
    private final Instance instance;
    private final God god;

    ProcessMBean(Instance instance, God god) {
        this.instance = instance;
        this.god = god;
    }

    @Override public int getId() { return instance.id(); }
    @Override public String getApp() { return instance.app().name(); }
    @Override public long getPid() { return instance.pid(); }
    @Override public String getStatus() { return instance.status().label(); }
    @Override public long getUptimeMillis() { return instance.info().getUptimeMillis(); }
    @Override public int getRestarts() { return instance.restarts(); }
    @Override public int getUnstableRestarts() { return instance.info().getUnstableRestarts(); }
    @Override public String getLastExit() { return instance.info().getLastExit(); }
    @Override public String getOutLog() { return instance.outPath().toString(); }
    @Override public String getErrLog() { return instance.errPath().toString(); }
    @Override public ProcessInfo getInfo() { return instance.info(); }

    @Override
    public void restart() {
        Operations.run(() -> god.restart(Integer.toString(instance.id())));
    }

    @Override
    public void stop() {
        Operations.run(() -> god.stop(Integer.toString(instance.id())));
    }

    @Override
    public void sendSignal(String signal) {
        Operations.run(() -> god.sendSignal(instance, signal));
    }

    @Override
    public void sendLineToStdin(String line) {
        Operations.run(() -> god.sendLine(instance, line));
    }
}
