package dev.supervisor.god;

import dev.supervisor.config.AppConfig;
import dev.supervisor.front.Front;

/** Makes (and binds) the front for an app with a port; the daemon wires it to Netty fronts. */
@FunctionalInterface
public interface FrontFactory {
    /** @throws dev.supervisor.front.PortInUseException when the app's port is taken */
    Front create(AppConfig app);
}
