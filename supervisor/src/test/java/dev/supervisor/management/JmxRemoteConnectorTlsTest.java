package dev.supervisor.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JMX over TLS, checked in a separate JVM (see {@link JmxTlsClientCheck}) with a throwaway keystore. */
class JmxRemoteConnectorTlsTest {
    @TempDir
    Path dir;

    @Test
    void tlsClientReloadsAndPlainClientIsRefused() throws Exception {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path keystore = dir.resolve("jmx.p12");
        run(List.of(bin.resolve("keytool").toString(), "-genkeypair", "-alias", "jmx", "-keyalg", "EC",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit"));

        String output = run(List.of(bin.resolve("java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Djavax.net.ssl.keyStore=" + keystore, "-Djavax.net.ssl.keyStorePassword=changeit",
                "-Djavax.net.ssl.trustStore=" + keystore, "-Djavax.net.ssl.trustStorePassword=changeit",
                JmxTlsClientCheck.class.getName(), dir.toString()));

        assertThat(output).contains("TLS reload done", "PLAIN refused").doesNotContain("PLAIN accepted");
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("finished: %s", command).isTrue();
        assertThat(process.exitValue()).as("exit of %s, output:%n%s", command.get(0), output).isZero();
        return output;
    }
}
