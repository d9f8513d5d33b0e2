package dev.supervisor.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The light entry's HTTP/1.1 POST against a real socket answering each way a server may frame a body. */
class LightHttpTest {
    /** Serves one connection with the given raw answer; completes with the request it read. */
    private static CompletableFuture<String> serveOnce(ServerSocket server, String answer) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                ByteArrayOutputStream req = new ByteArrayOutputStream();
                // The head, then Content-Length bytes of body.
                while (!req.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    req.write(b);
                }
                String head = req.toString(StandardCharsets.ISO_8859_1);
                int at = head.indexOf("Content-Length: ") + 16;
                int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
                req.write(in.readNBytes(length));
                s.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                return req.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static LightHttp.Response post(ServerSocket server) throws IOException {
        return LightHttp.post("127.0.0.1", server.getLocalPort(), "/jolokia/", "Basic YTpi",
                "[{\"type\":\"version\"}]".getBytes(StandardCharsets.UTF_8), 2000, 10_000);
    }

    @Test
    void sendsAnAuthenticatedPostAndReadsEachFraming() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> request = serveOnce(server,
                    "HTTP/1.1 200 OK\r\nContent-type: application/json\r\nContent-length: 8\r\n\r\n[\"é\",1]");
            LightHttp.Response r = post(server);
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("[\"é\",1]");
            assertThat(request.get(10, TimeUnit.SECONDS)).startsWith("POST /jolokia/ HTTP/1.1\r\n")
                    .contains("\r\nAuthorization: Basic YTpi\r\n", "\r\nConnection: close\r\n")
                    .endsWith("\r\n\r\n[{\"type\":\"version\"}]");

            serveOnce(server, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\n[1,\r\n5;ext=1\r\n2,3,4\r\n1\r\n]\r\n0\r\n\r\n");
            assertThat(new String(post(server).body(), StandardCharsets.UTF_8)).isEqualTo("[1,2,3,4]");

            serveOnce(server, "HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"jolokia\"\r\n\r\nno");
            LightHttp.Response denied = post(server);
            assertThat(denied.status()).isEqualTo(401);
            assertThat(new String(denied.body(), StandardCharsets.UTF_8)).isEqualTo("no");
        }
    }

    @Test
    void aBrokenAnswerIsAnIOException() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            for (String broken : new String[]{"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nx", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
                    "HTTP/1.1 200 OK\r\nContent-Le"}) {
                serveOnce(server, broken);
                assertThatThrownBy(() -> post(server)).as(broken).isInstanceOf(IOException.class);
            }
        }
    }
}
