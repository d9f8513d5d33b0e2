package dev.supervisor.management;

import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.NotificationEmitter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds each kind of {@link DescribedMBean} with the MBeanInfo of the first bean of its kind. Registering a bean
 * makes the MBean server ask for its MBeanInfo, and a {@link DescribedMBean} builds its own by reading its
 * interface's annotations through reflection: 0.1–0.3 ms a bean in the daemon's JIT settings, twice per app at a
 * start (its App and Process beans), 0.4 s of CPU for 1,000 apps. Every bean of an interface with the same
 * notification types has the same MBeanInfo, which is immutable, so one is shared. One per registrar.
 */
final class MBeanInfos {
    private record Kind(Class<?> type, List<MBeanNotificationInfo> notifications) {
    }

    private final Map<Kind, MBeanInfo> built = new ConcurrentHashMap<>();

    <T> DescribedMBean described(T implementation, Class<T> type, NotificationEmitter emitter) {
        DescribedMBean bean = new DescribedMBean(implementation, type, emitter);
        Kind kind = new Kind(type, List.of(emitter.getNotificationInfo()));
        MBeanInfo known = built.get(kind);
        if (known == null) {
            built.putIfAbsent(kind, bean.getMBeanInfo());
        } else {
            bean.reuse(known);
        }
        return bean;
    }
}
