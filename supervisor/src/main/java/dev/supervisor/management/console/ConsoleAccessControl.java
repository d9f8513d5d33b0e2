package dev.supervisor.management.console;

import dev.supervisor.management.AccessRules;
import dev.supervisor.management.Credentials;
import dev.supervisor.management.SubjectRoles;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import javax.management.openmbean.TabularType;
import javax.security.auth.Subject;

/**
 * Role-based access for the console, answered for the subject of the current request: the admin may do
 * anything; the viewer may read attributes but not secrets ({@link AccessRules#isSecret}) and run the read-only
 * queries hawtio itself needs, nothing else.
 * Registered as hawtio's ACL MBean, it is what makes hawtio's Jolokia ({@code io.hawt.system.RBACRestrictor})
 * refuse the viewer's writes and execs, and what greys out operations in the viewer's browser.
 */
public final class ConsoleAccessControl implements ConsoleAccessControlMBean {
    /** Matches hawtio's ACL MBean pattern {@code *:type=security,area=jmx,*}. */
    public static final String OBJECT_NAME = "hawtio:type=security,area=jmx,name=SupervisorAccessControl";

    /** Operations that only query, which the viewer's console must run to draw its pages. */
    private static final Set<String> QUERY_ONLY_MBEANS = Set.of(
            OBJECT_NAME, "hawtio:type=security,name=RBACRegistry");

    private static final String[] COLUMNS = {"ObjectName", "Method", "CanInvoke"};
    private static final TabularType RESULT_TYPE = resultType();

    private final MBeanServer server;

    public ConsoleAccessControl(MBeanServer server) {
        this.server = server;
    }

    public ConsoleAccessControl() {
        this(ManagementFactory.getPlatformMBeanServer());
    }

    @Override
    public boolean canInvoke(String objectName) {
        Subject subject = SubjectRoles.current();
        return SubjectRoles.isAdmin(subject) || isViewer(subject) && QUERY_ONLY_MBEANS.contains(objectName);
    }

    @Override
    public boolean canInvoke(String objectName, String methodName) {
        int paren = methodName.indexOf('(');
        if (paren < 0) {
            return canInvoke(objectName, methodName, null);
        }
        String args = methodName.substring(paren + 1, methodName.lastIndexOf(')')).trim();
        String[] types = args.isEmpty() ? new String[0] : args.split("\\s*,\\s*");
        return canInvoke(objectName, methodName.substring(0, paren), types);
    }

    /** {@code argumentTypes} null means any overload. */
    @Override
    public boolean canInvoke(String objectName, String methodName, String[] argumentTypes) {
        Subject subject = SubjectRoles.current();
        if (SubjectRoles.isAdmin(subject)) {
            return true;
        }
        if (!isViewer(subject)) {
            return false; // no authenticated role: refuse everything
        }
        return QUERY_ONLY_MBEANS.contains(objectName)
                || (argumentTypes == null || argumentTypes.length == 0) && isAttributeGetter(objectName, methodName);
    }

    @Override
    public TabularData canInvoke(Map<String, List<String>> bulkQuery) throws OpenDataException {
        TabularData result = new TabularDataSupport(RESULT_TYPE);
        for (Map.Entry<String, List<String>> query : bulkQuery.entrySet()) {
            List<String> methods = query.getValue() == null || query.getValue().isEmpty() ? List.of("")
                    : query.getValue();
            for (String method : methods) {
                boolean allowed = method.isEmpty() ? canInvoke(query.getKey()) : canInvoke(query.getKey(), method);
                result.put(new CompositeDataSupport(RESULT_TYPE.getRowType(), COLUMNS,
                        new Object[] {query.getKey(), method, allowed}));
            }
        }
        return result;
    }

    private static boolean isViewer(Subject subject) {
        return SubjectRoles.hasRole(subject, Credentials.VIEWER_ROLE);
    }

    /** Whether {@code method} is the getter of a readable attribute (and not an operation that looks like one). */
    private boolean isAttributeGetter(String objectName, String method) {
        String attribute = method.startsWith("get") ? method.substring(3)
                : method.startsWith("is") ? method.substring(2) : null;
        if (attribute == null || attribute.isEmpty()) {
            return false;
        }
        try {
            MBeanAttributeInfo[] attributes = server.getMBeanInfo(new ObjectName(objectName)).getAttributes();
            ObjectName name = new ObjectName(objectName);
            return Arrays.stream(attributes).anyMatch(a -> a.getName().equals(attribute) && a.isReadable()
                    && a.isIs() == method.startsWith("is")) && !AccessRules.isSecret(name, attribute);
        } catch (JMException e) {
            return false;
        }
    }

    private static TabularType resultType() {
        try {
            CompositeType row = new CompositeType("CanInvokeRowType", "The rows of a CanInvokeTabularType table.",
                    COLUMNS, new String[] {"The ObjectName of the MBean checked", "The method checked",
                        "true if the current user may invoke it"},
                    new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.BOOLEAN});
            return new TabularType("CanInvokeTabularType", "Result of canInvoke() bulk operation", row,
                    new String[] {"ObjectName", "Method"});
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
    }
}
