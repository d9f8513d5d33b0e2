package dev.supervisor.process;

import java.util.Set;

/** An app with {@code front: none} cannot start: another process already listens on its port. */
public class PortHeldException extends LaunchException {
    public PortHeldException(int port, Set<Long> holders) {
        super("port " + port + " is already in use by another process" + (holders.isEmpty() ? "" : " (pid " + holders + ")")
                + "; stop it or choose another port (front: none apps bind their port themselves)");
    }
}
