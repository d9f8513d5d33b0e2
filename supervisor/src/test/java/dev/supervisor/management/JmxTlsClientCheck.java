package dev.supervisor.management;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.config.LogPolicy;
import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.ObjectNames;
import java.nio.file.Path;
import java.util.Map;
import javax.management.JMX;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import javax.rmi.ssl.SslRMIClientSocketFactory;

/**
 * Run in a JVM of its own by {@link JmxRemoteConnectorTlsTest}: TLS uses the JVM's default SSL context, which
 * is configured by JVM-wide {@code javax.net.ssl.*} properties that must not leak into the other tests.
 * Prints {@code TLS reload <outcome>} and {@code PLAIN refused} when all is well.
 */
public final class JmxTlsClientCheck {
    private JmxTlsClientCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        DaemonSettings plain = TestHome.create(home, TestHome.freePort());
        DaemonSettings tls = new DaemonSettings(home, "127.0.0.1", 0, 0, false, plain.jmxPort(), "127.0.0.1", true,
                LogPolicy.DEFAULT, home.resolve("install"));
        try (DemoApp app = DemoApp.register("demo"); JmxRemoteConnector connector = new JmxRemoteConnector(tls)) {
            connector.start();
            JMXServiceURL url = new JMXServiceURL(connector.serviceUrl());
            String[] credentials = {TestHome.ADMIN, TestHome.ADMIN_PASSWORD};
            try (JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, credentials,
                    "com.sun.jndi.rmi.factory.socket", new SslRMIClientSocketFactory()))) {
                AppMXBean remote = JMX.newMXBeanProxy(jmx.getMBeanServerConnection(), ObjectNames.app("demo"),
                        AppMXBean.class);
                System.out.println("TLS reload " + remote.reload().getOutcome());
            }
            try (JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, credentials))) {
                System.out.println("PLAIN accepted");
            } catch (java.io.IOException e) {
                System.out.println("PLAIN refused");
            }
        }
    }
}
