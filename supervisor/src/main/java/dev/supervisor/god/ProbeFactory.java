package dev.supervisor.god;

import dev.supervisor.config.AppConfig;
import dev.supervisor.readiness.ReadinessProbe;

/** Makes the readiness probe for one launch of an instance, before it is spawned. */
@FunctionalInterface
public interface ProbeFactory {
    /** @param privatePort the port the instance will listen on, 0 when none */
    ReadinessProbe create(AppConfig app, int id, int privatePort);
}
