package dev.supervisor.management;

import dev.supervisor.config.ConfigException;
import dev.supervisor.errors.UserError;
import dev.supervisor.front.PortInUseException;
import dev.supervisor.god.SupervisorException;
import dev.supervisor.process.LaunchException;

import java.util.function.Supplier;

/**
 * Runs an MBean operation and turns the errors a user can act on ({@link UserError}, and the older typed ones)
 * into {@link IllegalArgumentException} with the same message: a remote JMX client (JConsole, hawtio) has none of
 * our classes but can read a JDK one, and Jolokia answers it with 400, a client error.
 */
final class Operations {
    private Operations() {
    }

    static <T> T call(Supplier<T> op) {
        try {
            return op.get();
        } catch (RuntimeException e) {
            // instanceof rather than catch clauses: these types are being moved under UserError.
            if (e instanceof UserError || e instanceof SupervisorException || e instanceof ConfigException
                    || e instanceof PortInUseException || e instanceof LaunchException
                    || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                throw new IllegalArgumentException(e.getMessage());
            }
            throw e;
        }
    }

    static void run(Runnable op) {
        call(() -> {
            op.run();
            return null;
        });
    }
}
