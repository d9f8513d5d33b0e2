package dev.supervisor.management;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import javax.security.auth.Subject;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.service.api.Restrictor;

/**
 * Who may do what to which MBean, for every role-aware path: the Jolokia agent ({@link RoleRestrictor}), remote JMX
 * ({@link JmxAccessForwarder}) and the console ({@code ConsoleAccessControl}, behind hawtio's own policy check).
 *
 * <ol>
 *   <li>The Jolokia policy file (conf/jolokia-access.xml) applies to everyone, the admin included: no
 *       DiagnosticCommand, HotSpotDiagnostic, JFR, no writes or operations on {@code java.lang} beyond the
 *       read-only queries it lists.</li>
 *   <li>The viewer may only read, and not the attributes that hold secrets ({@link #isSecret}).</li>
 *   <li>Anyone without a role may do nothing.</li>
 * </ol>
 */
public final class AccessRules {
    /** Attributes whose values routinely carry passwords: {@code -Djavax.net.ssl.keyStorePassword=...}, env vars. */
    private static final Set<String> RUNTIME_SECRETS = Set.of("SystemProperties", "InputArguments");
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(env|environment|password|passwd|secret|credential|token|apikey|privatekey).*");

    private final Restrictor policy;

    private AccessRules(Restrictor policy) {
        this.policy = policy;
    }

    /** The rules of the given Jolokia policy file. */
    public static AccessRules fromPolicy(Path policyFile) {
        try (InputStream in = Files.newInputStream(policyFile)) {
            return new AccessRules(new PolicyRestrictor(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the access policy " + policyFile + ": " + e.getMessage(), e);
        }
    }

    static AccessRules of(Restrictor policy) {
        return new AccessRules(policy);
    }

    public boolean mayRead(Subject subject, ObjectName name, String attribute) {
        return policy.isAttributeReadAllowed(name, attribute) && roleMayRead(subject, name, attribute);
    }

    public boolean mayWrite(Subject subject, ObjectName name, String attribute) {
        return policy.isAttributeWriteAllowed(name, attribute) && SubjectRoles.isAdmin(subject);
    }

    public boolean mayInvoke(Subject subject, ObjectName name, String operation) {
        return policy.isOperationAllowed(name, operation) && roleMayInvoke(subject, name);
    }

    public boolean isHidden(ObjectName name) {
        return policy.isObjectNameHidden(name);
    }

    Restrictor policy() {
        return policy;
    }

    /** The role part of reading: the admin reads anything; the viewer all but secrets. */
    public static boolean roleMayRead(Subject subject, ObjectName name, String attribute) {
        if (SubjectRoles.isAdmin(subject)) {
            return true;
        }
        return SubjectRoles.hasRole(subject, Credentials.VIEWER_ROLE) && !isSecret(name, attribute);
    }

    /** The role part of operations: the admin; the viewer only Jolokia's notification pull (read-only). */
    static boolean roleMayInvoke(Subject subject, ObjectName name) {
        return SubjectRoles.isAdmin(subject)
                || SubjectRoles.hasRole(subject, Credentials.VIEWER_ROLE) && "jolokia".equals(name.getDomain());
    }

    /** Whether an attribute holds secrets: admin-only on every path. */
    public static boolean isSecret(ObjectName name, String attribute) {
        if (attribute == null) {
            return false;
        }
        if ("java.lang".equals(name.getDomain()) && "Runtime".equals(name.getKeyProperty("type"))
                && RUNTIME_SECRETS.contains(attribute)) {
            return true;
        }
        return SECRET_NAME.matcher(attribute).matches();
    }
}
