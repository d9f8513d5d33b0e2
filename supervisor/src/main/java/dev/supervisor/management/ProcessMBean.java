package dev.supervisor.management;

import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.mbeans.NotificationTypes;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ProcessMXBean;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;

/**
 * Thin adapter: one instance as {@code supervisor:type=Process,app=<app>,id=<id>}. A reload points the same
 * MBean at the new instance ({@link #bind}), so its name outlives the swap.
 */
final class ProcessMBean extends NotificationBroadcasterSupport implements ProcessMXBean {
    private volatile Instance instance;
    private final God god;
    private final Usage usage;
    private final ObjectName name;

    ProcessMBean(Instance instance, God god, Usage usage, ObjectName name) {
        super(new MBeanNotificationInfo(NotificationTypes.PROCESS_TYPES, Notification.class.getName(),
                "The instance changed status; the message says from what to what and why (an exit's code or signal), "
                        + "userData is the new status"));
        this.instance = instance;
        this.god = god;
        this.usage = usage;
        this.name = name;
    }

    void bind(Instance next) {
        this.instance = next;
    }

    Instance instance() {
        return instance;
    }

    ObjectName objectName() {
        return name;
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
    @Override public ProcessInfo getInfo() { return usage.enrich(instance.info()); }
    @Override public double getCpuPercent() { return usage.of(instance.pid()).map(u -> Usage.round(u.cpuPercent())).orElse(0.0); }
    @Override public double getCpuSeconds() { return usage.of(instance.pid()).map(u -> u.cpuSecondsTotal()).orElse(0.0); }
    @Override public long getMemoryBytes() { return usage.of(instance.pid()).map(u -> u.memoryBytes()).orElse(0L); }
    @Override public long getPssBytes() { return usage.of(instance.pid()).map(u -> u.pssBytes()).orElse(0L); }
    @Override public int getThreads() { return usage.of(instance.pid()).map(u -> u.threads()).orElse(0); }
    @Override public int getOpenFds() { return usage.of(instance.pid()).map(u -> u.openFds()).orElse(0); }

    @Override
    public void restart() {
        Operations.run(() -> god.restart(Integer.toString(servingInstance().id())));
    }

    @Override
    public void stop() {
        Operations.run(() -> god.stop(Integer.toString(servingInstance().id())));
    }

    /**
     * restart and stop go through the God by id, which means the instance serving under it: on the old instance
     * of a reload (a DrainingProcess) they would hit its replacement, so they are refused there.
     */
    private Instance servingInstance() {
        Instance i = instance;
        if (i.isAside()) {
            throw new IllegalArgumentException(i.app().name() + "[" + i.id() + "] pid " + i.pid() + " is the old instance a "
                    + "reload is draining; it stops by itself. To act on the one serving now use " + ObjectNames.process(i.app().name(), i.id()));
        }
        return i;
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
