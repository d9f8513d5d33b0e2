package dev.supervisor.testing;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.config.LogPolicy;
import dev.supervisor.daemon.Daemon;
import dev.supervisor.god.God;
import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.GodMXBean;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessInfo;

import javax.management.JMX;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real daemon in the test JVM: temp home, ephemeral Jolokia port, no console. */
public final class TestDaemon implements AutoCloseable {
    private final Daemon daemon;
    private final Path home;

    private TestDaemon(Path home, Daemon daemon) {
        this.home = home;
        this.daemon = daemon;
    }

    public static TestDaemon start() {
        try {
            Path home = Files.createTempDirectory("supervisor-test-");
            return start(home);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestDaemon start(Path home) {
        DaemonSettings settings = new DaemonSettings(home, "127.0.0.1", Fixtures.freePort(), Fixtures.freePort(), false, 0, "127.0.0.1", false,
                LogPolicy.DEFAULT, Fixtures.projectRoot());
        return new TestDaemon(home, Daemon.start(settings));
    }

    public Daemon daemon() {
        return daemon;
    }

    public God god() {
        return daemon.god();
    }

    public Path home() {
        return home;
    }

    public GodMXBean godBean() {
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ObjectNames.god(), GodMXBean.class);
    }

    public AppMXBean appBean(String name) {
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ObjectNames.app(name), AppMXBean.class);
    }

    public List<ProcessInfo> list() {
        return god().list();
    }

    public ProcessInfo process(String app, int index) {
        return list().stream().filter(p -> p.getName().equals(app) && p.getInstanceIndex() == index
                && !p.getStatus().equals("draining")).findFirst()
                .orElseThrow(() -> new AssertionError("no instance " + index + " of " + app + " in " + list()));
    }

    public String jolokiaUrl() {
        return daemon.jolokiaUrl();
    }

    public String user() {
        return daemon.credentials().username();
    }

    public String password() {
        return daemon.credentials().password();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
