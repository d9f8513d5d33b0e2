package dev.supervisor.management;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.remote.MBeanServerForwarder;

/**
 * Sits between the JMX connector and the MBeanServer: the admin passes through, anyone else (the viewer) may
 * only read. What counts as writing follows the JDK's own {@code readonly} access level.
 */
final class ViewerReadOnlyForwarder implements InvocationHandler {
    private static final Set<String> WRITES = Set.of("setAttribute", "setAttributes", "invoke", "createMBean",
            "registerMBean", "unregisterMBean", "instantiate");

    private volatile MBeanServer target;

    private ViewerReadOnlyForwarder() {
    }

    static MBeanServerForwarder create() {
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, new ViewerReadOnlyForwarder());
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("getMBeanServer") && method.getParameterCount() == 0) {
            return target;
        }
        if (name.equals("setMBeanServer") && method.getParameterCount() == 1) {
            if (args[0] == null) {
                throw new IllegalArgumentException("null MBeanServer");
            }
            target = (MBeanServer) args[0];
            return null;
        }
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "ViewerReadOnlyForwarder[" + target + "]";
            };
        }
        if (WRITES.contains(name) && !SubjectRoles.isAdmin(SubjectRoles.current())) {
            throw new SecurityException("Access denied: the viewer has read-only access (" + name + ")");
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
