package dev.supervisor.management.console;

import java.util.List;
import java.util.Map;
import javax.management.openmbean.TabularData;

/**
 * The operations hawtio expects of an ACL MBean ({@code *:type=security,area=jmx,*}): its Jolokia restrictor
 * asks {@link #canInvoke(String, String, String[])} before every read, write and exec, and its web page asks
 * {@link #canInvoke(String)} to grey out what the user may not run.
 */
public interface ConsoleAccessControlMBean {
    /** Whether the current user may invoke anything on the MBean. */
    boolean canInvoke(String objectName) throws Exception;

    /** {@code methodName} is a bare name (any overload) or a signature such as {@code scale(int)}. */
    boolean canInvoke(String objectName, String methodName) throws Exception;

    boolean canInvoke(String objectName, String methodName, String[] argumentTypes) throws Exception;

    /** Bulk form: MBean name to method names; rows of (ObjectName, Method, CanInvoke). */
    TabularData canInvoke(Map<String, List<String>> bulkQuery) throws Exception;
}
