package dev.supervisor.cli;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TerminalAndClientTest {
    @Test
    void coloursOnlyOnATerminalWithoutNoColor() {
        Map<String, String> utf8 = Map.of("LANG", "en_US.UTF-8", "TERM", "xterm-256color");
        Terminal tty = Terminal.detect(utf8, true);
        assertThat(tty.color()).isTrue();
        assertThat(tty.status("online")).isEqualTo("\u001b[32monline\u001b[0m");
        assertThat(tty.status("errored")).startsWith("\u001b[31m");
        assertThat(Terminal.detect(utf8, false).color()).isFalse();
        assertThat(Terminal.detect(Map.of("LANG", "en_US.UTF-8", "NO_COLOR", ""), true).color()).isFalse();
        assertThat(Terminal.detect(Map.of("TERM", "dumb"), true).color()).isFalse();
    }

    @Test
    void unicodeOnlyWhenTheLocaleSaysUtf8() {
        assertThat(Terminal.isUtf8Locale(Map.of("LANG", "de_DE.utf8"))).isTrue();
        assertThat(Terminal.isUtf8Locale(Map.of("LANG", "C"))).isFalse();
        assertThat(Terminal.isUtf8Locale(Map.of())).isFalse();
        // LC_ALL wins over LANG, as POSIX says.
        assertThat(Terminal.isUtf8Locale(Map.of("LC_ALL", "C", "LANG", "en_US.UTF-8"))).isFalse();
        assertThat(Terminal.isUtf8Locale(Map.of("LC_ALL", "en_US.UTF-8", "LANG", "C"))).isTrue();
    }

    @Test
    void aDaemonThatNeverAnswersTimesOutWithAClearError() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().readAllBytes(); // read the request, never answer
                } catch (Exception e) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            JolokiaClient c = new JolokiaClient("http://127.0.0.1:" + silent.getLocalPort() + "/jolokia", "u", "p", 500);
            assertThatThrownBy(() -> c.exec(SupervisorCli.GOD, "ping")).isInstanceOf(DaemonError.class)
                    .hasMessageContaining("did not answer within 500 ms").hasMessageContaining("SUPERVISOR_CLI_TIMEOUT");
        }
    }
}
