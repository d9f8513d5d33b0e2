package dev.supervisor.management;

import dev.supervisor.config.ConfigException;
import dev.supervisor.front.PortInUseException;
import dev.supervisor.god.SupervisorException;
import dev.supervisor.process.LaunchException;

import java.util.function.Supplier;

/**
 * Runs an MBean operation and turns our typed exceptions into JDK ones with the same message: a JMX client
 * (JConsole, Jolokia, hawtio) has none of our classes, but must still see what went wrong and where.
 */
final class Operations {
    private Operations() {
    }

    static <T> T call(Supplier<T> op) {
        try {
            return op.get();
        } catch (SupervisorException | ConfigException | PortInUseException | LaunchException e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    static void run(Runnable op) {
        call(() -> {
            op.run();
            return null;
        });
    }
}
