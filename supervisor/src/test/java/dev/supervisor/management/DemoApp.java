package dev.supervisor.management;

import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ReloadResult;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A stand-in App MBean with no processes behind it, for unit tests that need an App MBean but no daemon (the
 * console's access control, the JMX TLS check): {@code reload()} swaps its pid list for new pids and returns a
 * ReloadResult. The console and remote JMX are tested on a real daemon in {@code ConsoleOnRealDaemonTest}.
 */
public final class DemoApp implements AppMXBean, AutoCloseable {
    private final String name;
    private final AtomicLong nextPid = new AtomicLong(1000);
    private final AtomicReference<List<Long>> pids;
    private final AtomicReference<ReloadResult> lastReload = new AtomicReference<>();
    private final ObjectName objectName;

    private DemoApp(String name) {
        this.name = name;
        this.pids = new AtomicReference<>(List.of(nextPid.incrementAndGet(), nextPid.incrementAndGet()));
        this.objectName = ObjectNames.app(name);
    }

    /** Registers a demo app under {@code supervisor:type=App,name=<name>} in the platform MBeanServer. */
    public static DemoApp register(String name) throws JMException {
        DemoApp app = new DemoApp(name);
        server().registerMBean(app, app.objectName);
        return app;
    }

    private static MBeanServer server() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    @Override
    public void close() throws JMException {
        server().unregisterMBean(objectName);
    }

    @Override public String getName() { return name; }
    @Override public String getNamespace() { return "default"; }
    @Override public int getInstancesWanted() { return 2; }
    @Override public int getInstancesOnline() { return pids.get().size(); }
    @Override public int getRestarts() { return 0; }
    @Override public List<Long> getPids() { return pids.get(); }
    @Override public String getStatus() { return "online 2/2"; }
    @Override public int getPort() { return 0; }
    @Override public String getFront() { return "none"; }
    @Override public Map<String, ProcessInfo> getProcesses() { return Map.of(); }
    @Override public List<String> getEvents() { return List.of(); }
    @Override public double getCpuPercent() { return 0; }
    @Override public long getMemoryBytes() { return 0; }
    @Override public String getReloadState() { return "idle"; }
    @Override public dev.supervisor.mbeans.ReloadStep getReloadStep() { return dev.supervisor.mbeans.ReloadStep.NONE; }
    @Override public String getReloadDetail() { return ""; }
    @Override public String getReloadInterrupted() { return ""; }
    @Override public ReloadResult getLastReload() { return lastReload.get(); }

    @Override public void start() { }
    @Override public void stop() { }
    @Override public void restart() { }

    @Override
    public ReloadResult reload() {
        List<Long> old = pids.get();
        List<Long> fresh = old.stream().map(p -> nextPid.incrementAndGet()).toList();
        pids.set(fresh);
        ReloadResult result = new ReloadResult(name, "done", fresh.size(), 0, 1, "",
                List.of("replaced " + old + " by " + fresh));
        lastReload.set(result);
        return result;
    }

    @Override public ReloadResult softReload() { return reload(); }
    @Override public void delete() { }
    @Override public void scale(int instances) { }
    @Override public void sendSignal(String signal) { }
}
