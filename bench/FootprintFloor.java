import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * What a JVM costs before any supervisor code, for bench/perf.py's footprint rows (issue 11): run with the daemon's
 * JVM options, {@code bare} only waits; {@code jmx} starts the platform MBean server (the God's MXBeans live there,
 * and JConsole reads it) and waits; {@code jolokia} also starts a Jolokia JVM
 * agent on an ephemeral loopback port (the daemon's transport for the CLI and scripts) and prints its URL on stdout,
 * so the caller can send it a few requests before reading its RSS. Each waits for the end of its stdin: it lives
 * as long as the caller holds the pipe, and never outlives it. Compiled by perf.py with javac
 * (the source launcher would keep javac's classes in the very JVM being measured).
 */
public final class FootprintFloor {
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "bare";
        if (mode.equals("jmx")) {
            ManagementFactory.getPlatformMBeanServer();
            System.out.println("jmx");
        } else if (mode.equals("jolokia")) {
            ManagementFactory.getPlatformMBeanServer();
            var config = new org.jolokia.jvmagent.JolokiaServerConfig(Map.of("host", "127.0.0.1", "port", "0",
                    "discoveryEnabled", "false", "disableDetectors", "true"));
            var server = new org.jolokia.jvmagent.JolokiaServer(config);
            server.start(false);
            System.out.println(server.getUrl());
        } else {
            System.out.println("bare");
        }
        System.out.flush();
        while (System.in.read() != -1) {
            // nothing to read: the caller only closes the pipe
        }
    }
}
