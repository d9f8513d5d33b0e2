package dev.supervisor.front;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The reload sequence under load: add the new backend, remove and drain the old one, stop it. Nothing may fail. */
class HttpFrontSwitchTest {
    private static final int CLIENTS = 4;
    /** Hard bound per client so that a stuck switch fails the test instead of looping. */
    private static final int MAX_REQUESTS_PER_CLIENT = 20_000;

    private FrontEventLoops loops;
    private HttpFront front;
    private IdHttpBackend a;
    private IdHttpBackend b;

    @BeforeEach
    void setUp() throws IOException {
        loops = new FrontEventLoops();
        a = IdHttpBackend.start("a");
        b = IdHttpBackend.start("b");
        front = new HttpFront("hello", new InetSocketAddress("127.0.0.1", 0), loops);
        front.start();
    }

    @AfterEach
    void tearDown() {
        front.close();
        a.close();
        b.close();
        loops.close();
    }

    @Test
    void noRequestFailsWhileTheBackendIsSwitched() throws Exception {
        front.addBackend(a.backend());
        AtomicInteger done = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Thread client = new Thread(() -> {
                try (RawHttpClient connection = new RawHttpClient(front.address())) {
                    for (int n = 0; n < MAX_REQUESTS_PER_CLIENT && !stop.get(); n++) {
                        RawHttpClient.Response response = connection.get("/");
                        if (response.status() != 200) {
                            failures.add(response.status() + " " + response.text());
                        }
                        servedBy.computeIfAbsent(response.text(), k -> new AtomicInteger()).incrementAndGet();
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                }
            }, "switch-client-" + i);
            client.start();
            clients.add(client);
        }

        awaitRequests(done, 300);
        front.addBackend(b.backend());
        awaitRequests(done, done.get() + 300);
        DrainResult drained = front.removeBackend(a.backend(), Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        int servedByAAtDrain = a.requests();
        a.stop();
        awaitRequests(done, done.get() + 500);
        stop.set(true);
        for (Thread client : clients) {
            client.join(10_000);
        }

        assertThat(failures).isEmpty();
        assertThat(drained.timedOut()).isFalse();
        assertThat(drained.inFlight()).isBetween(0, CLIENTS);
        assertThat(a.requests()).isEqualTo(servedByAAtDrain);
        assertThat(servedBy.get("a").get()).isGreaterThanOrEqualTo(300);
        assertThat(servedBy.get("b").get()).isGreaterThanOrEqualTo(500);
        assertThat(servedBy).containsOnlyKeys("a", "b");
        assertThat(done.get()).isLessThan(CLIENTS * MAX_REQUESTS_PER_CLIENT);
    }

    private static void awaitRequests(AtomicInteger done, int target) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2)).until(() -> done.get() >= target);
    }
}
