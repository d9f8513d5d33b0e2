package dev.supervisor.management;

import dev.supervisor.god.App;
import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.god.SupervisorEvents;
import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.GodMXBean;
import dev.supervisor.mbeans.NotificationTypes;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessMXBean;
import dev.supervisor.mbeans.ReloadStep;
import dev.supervisor.metrics.Sampler;
import dev.supervisor.process.ProcessStatus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.ObjectName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps the MBeans in step with the God's table (registered when an app or instance appears, unregistered
 * when it goes), turns the God's events into JMX notifications, and keeps each app's event history.
 *
 * <p>Names are stable: {@code type=Process,app=A,id=N} stays registered while id N exists; a reload only points
 * it at the new instance, so a console tab open on it survives. The old instance being drained gets a
 * {@code type=DrainingProcess} MBean of its own until it is gone.
 *
 * <p>Every MBean is a {@link DescribedMBean}: descriptions, parameter names and notification types in its MBeanInfo.
 */
public final class MBeanRegistrar implements SupervisorEvents, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(MBeanRegistrar.class);

    private final MBeanServer server;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, AppMBean> appBeans = new HashMap<>();
    /** The bean serving under each (app, id) name, pointed at the instance now holding the id. */
    private final Map<ObjectName, ProcessMBean> serving = new HashMap<>();
    /** Old instances a reload set aside, each with its DrainingProcess MBean. */
    private final Map<Instance, ObjectName> draining = new HashMap<>();
    private final Map<Instance, ProcessMBean> drainingBeans = new HashMap<>();
    private final AppHistory history = new AppHistory();
    private final MBeanInfos infos = new MBeanInfos();
    private final Map<Instance, Long> lastPids = new ConcurrentHashMap<>();
    private final Usage usage;
    private final SupervisorMetrics metrics;
    private God god;
    private GodMBean godBean;

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
        this.godBean = new GodMBean(theGod, version, home, shutdown, consoleStatus, jmxStatus, metricsStatus, usage, history);
        register(infos.described(godBean, GodMXBean.class, godBean), ObjectNames.god());
    }

    @Override
    public synchronized void appAdded(App app) {
        AppMBean bean = new AppMBean(app, god, usage, history);
        appBeans.put(app.name(), bean);
        register(infos.described(bean, AppMXBean.class, bean), ObjectNames.app(app.name()));
    }

    @Override
    public synchronized void appRemoved(App app) {
        appBeans.remove(app.name());
        history.forget(app.name());
        unregister(ObjectNames.app(app.name()));
    }

    @Override
    public synchronized void instanceBound(Instance instance) {
        ObjectName old = draining.remove(instance); // a rollback puts the old instance back under its id
        if (old != null) {
            drainingBeans.remove(instance);
            unregister(old);
        }
        ObjectName name = ObjectNames.process(instance.app().name(), instance.id());
        ProcessMBean bean = serving.get(name);
        if (bean != null) {
            bean.bind(instance);
            return;
        }
        bean = new ProcessMBean(instance, god, usage, name);
        serving.put(name, bean);
        register(infos.described(bean, ProcessMXBean.class, bean), name);
    }

    @Override
    public void instanceSetAside(Instance instance) {
        // The pid is read before taking our lock: statusChanged comes to us holding the instance's.
        ObjectName name = ObjectNames.drainingProcess(instance.app().name(), instance.id(), instance.pid());
        synchronized (this) {
            ProcessMBean bean = new ProcessMBean(instance, god, usage, name);
            draining.put(instance, name);
            drainingBeans.put(instance, bean);
            register(infos.described(bean, ProcessMXBean.class, bean), name);
        }
    }

    @Override
    public synchronized void instanceRemoved(Instance instance) {
        lastPids.remove(instance);
        ObjectName old = draining.remove(instance);
        if (old != null) {
            drainingBeans.remove(instance);
            unregister(old);
            return;
        }
        ObjectName name = ObjectNames.process(instance.app().name(), instance.id());
        ProcessMBean bean = serving.get(name);
        if (bean != null && bean.instance() == instance) {
            serving.remove(name);
            unregister(name);
        }
    }

    @Override
    public void statusChanged(Instance instance, ProcessStatus from, ProcessStatus to, String why) {
        String app = instance.app().name();
        String msg = app + "[" + instance.id() + "] " + from.label() + " -> " + to.label()
                + (why.isEmpty() ? "" : " (" + why + ")");
        history.record(app, pidOf(instance, to) + msg);
        ProcessMBean p;
        synchronized (this) {
            p = draining.containsKey(instance) ? drainingBeans.get(instance)
                    : serving.get(ObjectNames.process(app, instance.id()));
        }
        if (p != null && p.instance() == instance) {
            Notification n = new Notification(NotificationTypes.PROCESS_STATUS, p.objectName(), sequence.incrementAndGet(), msg);
            n.setUserData(to.label());
            p.sendNotification(n);
        }
        emit(NotificationTypes.PROCESS_STATUS, app, msg, to.label());
    }

    /**
     * "pid N " for the history: the process the change is about, also once it has exited (the instance then says
     * 0); nothing for a launch, whose process does not exist yet.
     */
    private String pidOf(Instance instance, ProcessStatus to) {
        long pid = instance.pid();
        if (pid != 0) {
            lastPids.put(instance, pid);
        } else {
            pid = lastPids.getOrDefault(instance, 0L);
        }
        return to == ProcessStatus.LAUNCHING || pid == 0 ? "" : "pid " + pid + " ";
    }

    @Override
    public void reloadEvent(String type, String app, String message, ReloadStep step) {
        switch (type) {
            case NotificationTypes.RELOAD_STARTED -> {
                history.record(app, message);
                if (metrics != null) {
                    metrics.reloadStarted(app);
                }
            }
            case NotificationTypes.RELOAD_DONE, NotificationTypes.RELOAD_FAILED -> {
                history.record(app, "reload " + message);
                if (metrics != null) {
                    metrics.reloadFinished(app, type.equals(NotificationTypes.RELOAD_DONE));
                }
            }
            case NotificationTypes.RESTART_OVERLIMIT -> history.record(app, message);
            default -> { } // steps: in the reload's own result, not the app's history
        }
        emit(type, app, message, step == null ? null : step.name());
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
        List<ObjectName> names = new ArrayList<>(serving.keySet());
        names.addAll(draining.values());
        names.forEach(this::unregister);
        serving.clear();
        draining.clear();
        drainingBeans.clear();
        appBeans.keySet().forEach(n -> unregister(ObjectNames.app(n)));
        appBeans.clear();
        unregister(ObjectNames.god());
    }
}
