package dev.supervisor.management;

import dev.supervisor.mbeans.Description;
import dev.supervisor.mbeans.Param;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * An MXBean whose MBeanInfo says what everything is: the descriptions and parameter names come from the
 * {@link Description} and {@link Param} annotations on its interface, and the notifications it sends from its
 * emitter. JConsole, hawtio and Jolokia {@code list} show them; without this JMX shows its defaults and p0, p1.
 */
final class DescribedMBean extends StandardEmitterMBean {
    /** Operations that only read: INFO impact (JConsole and hawtio may treat the others with care). */
    private static final Set<String> READ_ONLY = Set.of("list", "listTable", "describe", "ping", "reloadProgress");

    private final Class<?> type;

    <T> DescribedMBean(T implementation, Class<T> type, NotificationEmitter emitter) {
        super(implementation, type, true, emitter);
        this.type = type;
    }

    /**
     * Takes the MBeanInfo that another bean of the same interface and notification types built, instead of building
     * its own when it is registered ({@link MBeanInfos}).
     */
    void reuse(MBeanInfo info) {
        cacheMBeanInfo(info);
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Description d = type.getAnnotation(Description.class);
        return d == null ? super.getDescription(info) : d.value();
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return getter(info.getName()).map(m -> m.getAnnotation(Description.class)).map(Description::value)
                .orElseGet(() -> super.getDescription(info));
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return operation(info).map(m -> m.getAnnotation(Description.class)).map(Description::value)
                .orElseGet(() -> super.getDescription(info));
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return param(op, sequence).map(Param::name).orElseGet(() -> super.getParameterName(op, param, sequence));
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        return param(op, sequence).map(Param::description).orElseGet(() -> super.getDescription(op, param, sequence));
    }

    @Override
    protected int getImpact(MBeanOperationInfo info) {
        return READ_ONLY.contains(info.getName()) ? MBeanOperationInfo.INFO : MBeanOperationInfo.ACTION;
    }

    private Optional<Method> getter(String attribute) {
        for (String prefix : new String[]{"get", "is"}) {
            try {
                return Optional.of(type.getMethod(prefix + attribute));
            } catch (NoSuchMethodException e) {
                // try the next prefix
            }
        }
        return Optional.empty();
    }

    /** Our interfaces do not overload operations: name and arity pick one method. */
    private Optional<Method> operation(MBeanOperationInfo info) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(info.getName()) && m.getParameterCount() == info.getSignature().length)
                .findFirst();
    }

    private Optional<Param> param(MBeanOperationInfo op, int sequence) {
        return operation(op).map(m -> m.getParameters()[sequence].getAnnotation(Param.class));
    }
}
