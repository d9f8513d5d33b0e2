package dev.supervisor.management;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * Sits between the remote JMX connector and the MBeanServer and applies {@link AccessRules}, the same rules as the
 * Jolokia agent, for every user: the policy file for everyone (no DiagnosticCommand, HotSpotDiagnostic, JFR, no
 * writes or operations on {@code java.lang}), read-only without secrets for the viewer. Nobody may create,
 * register, unregister or instantiate MBeans or reach class loaders over the wire: an MLet loads classes from a URL.
 */
final class JmxAccessForwarder implements InvocationHandler {
    /** What a remote client may never ask for (the class loader getters are the connector's own, not remote). */
    private static final Set<String> NEVER = Set.of("createMBean", "registerMBean", "unregisterMBean", "instantiate",
            "deserialize");

    private final AccessRules rules;
    private volatile MBeanServer target;

    private JmxAccessForwarder(AccessRules rules) {
        this.rules = rules;
    }

    static MBeanServerForwarder create(AccessRules rules) {
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, new JmxAccessForwarder(rules));
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
                default -> "JmxAccessForwarder[" + target + "]";
            };
        }
        Object[] callArgs = check(name, args);
        try {
            return method.invoke(target, callArgs);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Refuses what the caller may not do; returns the arguments to pass on (getAttributes drops what is refused). */
    private Object[] check(String method, Object[] args) {
        Subject subject = SubjectRoles.current();
        if (NEVER.contains(method)) {
            throw new SecurityException("Access denied: " + method + " is not allowed over remote JMX");
        }
        switch (method) {
            case "getAttribute" -> {
                ObjectName name = (ObjectName) args[0];
                if (!rules.mayRead(subject, name, (String) args[1])) {
                    throw denied("reading " + args[1] + " of " + name, subject);
                }
            }
            case "getAttributes" -> {
                ObjectName name = (ObjectName) args[0];
                List<String> allowed = new ArrayList<>();
                for (String attribute : (String[]) args[1]) {
                    if (rules.mayRead(subject, name, attribute)) {
                        allowed.add(attribute);
                    }
                }
                return new Object[] {name, allowed.toArray(new String[0])};
            }
            case "setAttribute" -> {
                ObjectName name = (ObjectName) args[0];
                String attribute = ((Attribute) args[1]).getName();
                if (!rules.mayWrite(subject, name, attribute)) {
                    throw denied("writing " + attribute + " of " + name, subject);
                }
            }
            case "setAttributes" -> {
                ObjectName name = (ObjectName) args[0];
                for (Attribute attribute : ((AttributeList) args[1]).asList()) {
                    if (!rules.mayWrite(subject, name, attribute.getName())) {
                        throw denied("writing " + attribute.getName() + " of " + name, subject);
                    }
                }
            }
            case "invoke" -> {
                ObjectName name = (ObjectName) args[0];
                if (!rules.mayInvoke(subject, name, (String) args[1])) {
                    throw denied("operation " + args[1] + " of " + name, subject);
                }
            }
            case "getClassLoader", "getClassLoaderFor", "getClassLoaderRepository" -> {
                // the connector itself asks for these to unmarshal arguments; a remote client cannot
            }
            default -> {
                if (subject == null || !SubjectRoles.isAdmin(subject)
                        && !SubjectRoles.hasRole(subject, Credentials.VIEWER_ROLE)) {
                    throw new SecurityException("Access denied: not authenticated");
                }
            }
        }
        return args;
    }

    private static SecurityException denied(String what, Subject subject) {
        String who = SubjectRoles.isAdmin(subject) ? "the access policy (conf/jolokia-access.xml)"
                : "the viewer's read-only access";
        return new SecurityException("Access denied: " + what + " is refused by " + who);
    }
}
