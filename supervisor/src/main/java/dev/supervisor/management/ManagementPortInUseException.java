package dev.supervisor.management;

/** A management listener (console, remote JMX) could not bind its port because another program holds it. */
public class ManagementPortInUseException extends dev.supervisor.errors.UserError {
    private final String host;
    private final int port;

    public ManagementPortInUseException(String listener, String host, int port, Throwable cause) {
        super(listener + " port " + port + " on " + host + " is already in use", cause);
        this.host = host;
        this.port = port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }
}
