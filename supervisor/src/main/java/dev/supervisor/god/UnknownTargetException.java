package dev.supervisor.god;

/** A target (id, name, namespace, /regex/) that matches no process. */
public class UnknownTargetException extends SupervisorException {
    public UnknownTargetException(String target) {
        super("Process or namespace '" + target + "' not found (try 'supervisor list')");
    }
}
