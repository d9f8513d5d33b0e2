package dev.supervisor.front;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrontEventLoopsTest {
    @Test
    void halfTheCoresAtLeastOneUnlessSetExplicitly() {
        assertThat(FrontEventLoops.defaultThreads(1, null)).isEqualTo(1);
        assertThat(FrontEventLoops.defaultThreads(2, null)).isEqualTo(1);
        assertThat(FrontEventLoops.defaultThreads(8, "")).isEqualTo(4);
        assertThat(FrontEventLoops.defaultThreads(2, " 3 ")).isEqualTo(3);
        assertThatThrownBy(() -> FrontEventLoops.defaultThreads(2, "two"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("supervisor.front.threads").hasMessageContaining("'two'");
        assertThatThrownBy(() -> new FrontEventLoops(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** One loop serves a client and its backend connection on the same thread: a request goes through and back. */
    @Test
    void oneLoopProxiesARequest() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             FrontEventLoops loops = new FrontEventLoops(1)) {
            HttpFront front = new HttpFront("one", new InetSocketAddress("127.0.0.1", 0), loops);
            front.start();
            try {
                front.addBackend(new Backend("one:0", new InetSocketAddress("127.0.0.1", backend.getLocalPort())));
                Thread server = new Thread(() -> {
                    try (Socket s = backend.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[4096];
                        StringBuilder head = new StringBuilder();
                        while (!head.toString().contains("\r\n\r\n")) {
                            int n = in.read(buf);
                            if (n < 0) {
                                return;
                            }
                            head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                        }
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().flush();
                        in.read(buf); // until the front closes or the test ends
                    } catch (Exception ignored) {
                        // the test's assertion reports what went wrong
                    }
                });
                server.setDaemon(true);
                server.start();
                try (Socket client = new Socket("127.0.0.1", front.address().getPort())) {
                    client.setSoTimeout(10_000); // a deadline for a wedged front, not a speed goal
                    OutputStream out = client.getOutputStream();
                    out.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(response).startsWith("HTTP/1.1 200").endsWith("ok");
                }
            } finally {
                front.close();
            }
        }
    }
}
