package dev.supervisor.management;

import dev.supervisor.god.App;
import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.god.SupervisorEvents;
import dev.supervisor.mbeans.NotificationTypes;
import dev.supervisor.metrics.Sampler;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.process.ProcessStatus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.ObjectName;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps the MBeans in step with the God's table (registered when an app or instance appears, unregistered
 * when it goes) and turns the God's events into JMX notifications.
 */
public final class MBeanRegistrar implements SupervisorEvents, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(MBeanRegistrar.class);

    private final MBeanServer server;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, AppMBean> appBeans = new HashMap<>();
    private final Map<Instance, ObjectName> processNames = new HashMap<>();
    private God god;
    private GodMBean godBean;

    private final Usage usage;
    private final SupervisorMetrics metrics;

    public MBeanRegistrar(MBeanServer server) {
        this(server, null, null);
    }

    /**
     * @param sampler the CPU and memory figures the MBeans show; null for none
     * @param metrics counts reloads from the events; null for none
     */
    public MBeanRegistrar(MBeanServer server, Sampler sampler, SupervisorMetrics metrics) {
        this.server = server;
        this.usage = sampler == null ? Usage.NONE : new Usage(sampler);
        this.metrics = metrics;
    }

    /** Registers {@code supervisor:type=God}. The God is built after us (it needs us as its listener). */
    public synchronized void registerGod(God theGod, String version, Path home, Runnable shutdown,
                                         Supplier<String> consoleStatus, Supplier<String> jmxStatus) {
        registerGod(theGod, version, home, shutdown, consoleStatus, jmxStatus, () -> "disabled");
    }

    public synchronized void registerGod(God theGod, String version, Path home, Runnable shutdown,
                                         Supplier<String> consoleStatus, Supplier<String> jmxStatus,
                                         Supplier<String> metricsStatus) {
        this.god = theGod;
        this.godBean = new GodMBean(theGod, version, home, shutdown, consoleStatus, jmxStatus, metricsStatus, usage);
        register(godBean, ObjectNames.god());
    }

    @Override
    public synchronized void appAdded(App app) {
        AppMBean bean = new AppMBean(app, god, usage);
        appBeans.put(app.name(), bean);
        register(bean, ObjectNames.app(app.name()));
    }

    @Override
    public synchronized void appRemoved(App app) {
        appBeans.remove(app.name());
        unregister(ObjectNames.app(app.name()));
    }

    @Override
    public synchronized void instanceBound(Instance instance) {
        ObjectName previous = processNames.remove(instance);
        if (previous != null) {
            unregister(previous);
        }
        ObjectName name = ObjectNames.process(instance.app().name(), instance.id());
        processNames.values().remove(name);
        unregister(name);
        register(new ProcessMBean(instance, god, usage), name);
        processNames.put(instance, name);
    }

    @Override
    public synchronized void instanceSetAside(Instance instance) {
        ObjectName previous = processNames.remove(instance);
        if (previous != null) {
            unregister(previous);
        }
        ObjectName name = ObjectNames.drainingProcess(instance.app().name(), instance.id(), instance.pid());
        register(new ProcessMBean(instance, god, usage), name);
        processNames.put(instance, name);
    }

    @Override
    public synchronized void instanceRemoved(Instance instance) {
        ObjectName name = processNames.remove(instance);
        if (name != null) {
            unregister(name);
        }
    }

    @Override
    public void statusChanged(Instance instance, ProcessStatus from, ProcessStatus to, String why) {
        String msg = instance.app().name() + "[" + instance.id() + "] " + from.label() + " -> " + to.label()
                + (why.isEmpty() ? "" : " (" + why + ")");
        emit(NotificationTypes.PROCESS_STATUS, instance.app().name(), msg, to.label());
    }

    @Override
    public void reloadEvent(String type, String app, String message) {
        if (metrics != null) {
            switch (type) {
                case NotificationTypes.RELOAD_STARTED -> metrics.reloadStarted(app);
                case NotificationTypes.RELOAD_DONE -> metrics.reloadFinished(app, true);
                case NotificationTypes.RELOAD_FAILED -> metrics.reloadFinished(app, false);
                default -> { }
            }
        }
        emit(type, app, message, null);
    }

    private void emit(String type, String app, String message, Object userData) {
        GodMBean g;
        AppMBean a;
        synchronized (this) {
            g = godBean;
            a = appBeans.get(app);
        }
        if (g != null) {
            Notification n = new Notification(type, ObjectNames.god(), sequence.incrementAndGet(), message);
            n.setUserData(userData);
            g.sendNotification(n);
        }
        if (a != null) {
            Notification n = new Notification(type, ObjectNames.app(app), sequence.incrementAndGet(), message);
            n.setUserData(userData);
            a.sendNotification(n);
        }
    }

    private void register(Object bean, ObjectName name) {
        try {
            server.registerMBean(bean, name);
        } catch (JMException e) {
            LOG.error("cannot register MBean {}", name, e);
        }
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            LOG.error("cannot unregister MBean {}", name, e);
        }
    }

    @Override
    public synchronized void close() {
        processNames.values().forEach(this::unregister);
        processNames.clear();
        appBeans.keySet().forEach(n -> unregister(ObjectNames.app(n)));
        appBeans.clear();
        unregister(ObjectNames.god());
    }
}
