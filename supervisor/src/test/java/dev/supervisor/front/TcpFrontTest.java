package dev.supervisor.front;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TcpFrontTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private FrontEventLoops loops;

    @BeforeEach
    void startLoops() {
        loops = new FrontEventLoops();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        loops.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    private TcpFront front(EchoBackend... backends) {
        TcpFront front = closeLater(new TcpFront("echo", new InetSocketAddress("127.0.0.1", 0), loops));
        front.start();
        for (EchoBackend backend : backends) {
            front.addBackend(backend.backend());
        }
        return front;
    }

    private EchoBackend backend(String id) throws IOException {
        return closeLater(new EchoBackend(id));
    }

    private Socket connect(TcpFront front) throws IOException {
        Socket socket = closeLater(new Socket());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        socket.connect(front.address());
        return socket;
    }

    private static String greeting(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c == -1) {
                throw new IOException("closed before the greeting");
            }
            line.append((char) c);
        }
        return line.toString();
    }

    private static String echo(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    @Test
    void relaysBytesBothWays() throws IOException {
        EchoBackend a = backend("a");
        TcpFront front = front(a);
        Socket socket = connect(front);
        byte[] big = new byte[2 * 1024 * 1024];
        new Random(7).nextBytes(big);

        assertThat(greeting(socket)).isEqualTo("a");
        assertThat(echo(socket, "hello")).isEqualTo("hello");
        Thread writer = new Thread(() -> {
            try {
                socket.getOutputStream().write(big);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        assertThat(socket.getInputStream().readNBytes(big.length)).isEqualTo(big);
    }

    @Test
    void halfCloseLetsTheAnswerThrough() throws IOException {
        EchoBackend a = backend("a");
        TcpFront front = front(a);
        Socket socket = connect(front);
        greeting(socket);

        socket.getOutputStream().write("last words".getBytes(StandardCharsets.UTF_8));
        socket.shutdownOutput();

        assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("last words");
    }

    @Test
    void spreadsConnectionsRoundRobin() throws IOException {
        EchoBackend a = backend("a");
        EchoBackend b = backend("b");
        TcpFront front = front(a, b);
        List<String> greetings = new ArrayList<>();

        for (int i = 0; i < 6; i++) {
            greetings.add(greeting(connect(front)));
        }

        assertThat(greetings).containsOnly("a", "b");
        assertThat(greetings.stream().filter("a"::equals).count()).isEqualTo(3);
    }

    @Test
    void removedBackendKeepsItsConnectionUntilItCloses() throws Exception {
        EchoBackend a = backend("a");
        EchoBackend b = backend("b");
        TcpFront front = front(a);
        Socket old = connect(front);
        assertThat(greeting(old)).isEqualTo("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> front.openConnections(a.backend()) == 1);

        front.addBackend(b.backend());
        CompletableFuture<DrainResult> drain = front.removeBackend(a.backend(), Duration.ofSeconds(10));

        Set<String> newcomers = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            newcomers.add(greeting(connect(front)));
        }
        assertThat(newcomers).containsExactly("b");
        assertThat(echo(old, "still here")).isEqualTo("still here");
        assertThat(drain).isNotDone();
        old.close();
        assertThat(drain.get(5, TimeUnit.SECONDS)).isEqualTo(new DrainResult(1, false));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.openConnections() == 0);
    }

    @Test
    void drainTimeoutClosesLeftoverConnections() throws Exception {
        EchoBackend a = backend("a");
        TcpFront front = front(a);
        Socket old = connect(front);
        greeting(old);
        await().atMost(Duration.ofSeconds(5)).until(() -> front.openConnections(a.backend()) == 1);

        DrainResult result = front.removeBackend(a.backend(), Duration.ofMillis(200)).get(5, TimeUnit.SECONDS);

        assertThat(result).isEqualTo(new DrainResult(1, true));
        assertThat(old.getInputStream().read()).isEqualTo(-1);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.openConnections() == 0);
    }

    @Test
    void refusedConnectTriesTheNextBackend() throws IOException {
        EchoBackend a = backend("a");
        EchoBackend b = backend("b");
        TcpFront front = front(a, b);
        a.stop();

        for (int i = 0; i < 4; i++) {
            assertThat(greeting(connect(front))).isEqualTo("b");
        }
    }

    @Test
    void connectionWaitsForABackendToBeAdded() throws IOException {
        EchoBackend a = backend("a");
        TcpFront front = front();
        Socket socket = connect(front);

        front.addBackend(a.backend());

        assertThat(greeting(socket)).isEqualTo("a");
    }

    @Test
    void portInUseNamesThePort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            TcpFront front = closeLater(new TcpFront("db", new InetSocketAddress("127.0.0.1", port), loops));

            assertThatThrownBy(front::start)
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("app db's front");
        }
    }
}
