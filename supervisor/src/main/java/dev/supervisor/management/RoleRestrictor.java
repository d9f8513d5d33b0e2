package dev.supervisor.management;

import java.io.IOException;
import javax.management.ObjectName;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.config.Configuration;
import org.jolokia.server.core.restrictor.RestrictorFactory;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;

/**
 * The Jolokia agent's restrictor: the policy file for everyone plus the roles ({@link AccessRules}), for the
 * subject the agent's authenticator put on the request (Jolokia runs each request as that subject). Jolokia makes
 * it from its configuration ({@code restrictorClass}), hence the public constructor.
 */
public final class RoleRestrictor implements Restrictor {
    private final AccessRules rules;

    public RoleRestrictor(Configuration config) {
        String location = config.getConfig(ConfigKey.POLICY_LOCATION);
        try {
            Restrictor policy = location == null ? null : RestrictorFactory.lookupPolicyRestrictor(location);
            if (policy == null) {
                throw new IllegalStateException("the Jolokia access policy " + location + " was not found");
            }
            rules = AccessRules.of(policy);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the Jolokia access policy " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return rules.policy().isHttpMethodAllowed(method);
    }

    @Override
    public boolean isTypeAllowed(RequestType type) {
        return rules.policy().isTypeAllowed(type);
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
        return rules.mayRead(SubjectRoles.current(), name, attribute);
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
        return rules.mayWrite(SubjectRoles.current(), name, attribute);
    }

    @Override
    public boolean isOperationAllowed(ObjectName name, String operation) {
        return rules.mayInvoke(SubjectRoles.current(), name, operation);
    }

    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return rules.policy().isRemoteAccessAllowed(hostOrAddress);
    }

    @Override
    public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
        return rules.policy().isOriginAllowed(origin, onlyWhenStrictCheckingIsEnabled);
    }

    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return rules.isHidden(name);
    }

    @Override
    public boolean ignoreScheme() {
        return rules.policy().ignoreScheme();
    }
}
