package dev.supervisor.front;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backend that joins beside one that has been serving gets a small share of new requests first (nginx's
 * slow_start): a new JVM's first requests run interpreted, and full traffic at once makes them everyone's tail
 * during a reload. Backends that start together share from the first request. On a test's clock: no sleeps.
 */
class BackendWarmUpTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);
    private static final long HOUR = Duration.ofHours(1).toNanos();
    private final AtomicLong clock = new AtomicLong(1_000);

    @Test
    void aBackendJoiningBesideASettledOneWeighsATenthAtFirstAndFullAfterItsWarmUp() {
        BackendPool pool = new BackendPool(Duration.ofHours(1), clock::get);
        pool.add(new Backend("old", ANY));
        clock.addAndGet(2 * HOUR);
        pool.add(new Backend("new", ANY));
        BackendSlot old = pool.members().get(0);
        BackendSlot fresh = pool.members().get(1);
        long now = clock.get();
        assertThat(old.weightPermille(now)).isEqualTo(1000);
        assertThat(fresh.weightPermille(now)).isEqualTo(100);
        assertThat(fresh.weightPermille(now + HOUR / 2)).isEqualTo(550);
        assertThat(fresh.weightPermille(now + HOUR)).isEqualTo(1000);
    }

    @Test
    void backendsThatStartTogetherHaveNoWarmUp() {
        BackendPool pool = new BackendPool(Duration.ofHours(1), clock::get);
        pool.add(new Backend("a", ANY));
        clock.addAndGet(HOUR / 2);
        pool.add(new Backend("b", ANY));
        assertThat(pool.members().get(1).weightPermille(clock.get())).isEqualTo(1000);
        Map<String, Integer> picked = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            picked.merge(pool.pickLeastBusy(null).backend().key(), 1, Integer::sum);
        }
        assertThat(picked).containsEntry("a", 5).containsEntry("b", 5);
    }

    /** Least busy for its weight: the fresh one gets work once the settled one carries ten times its load. */
    @Test
    void theFreshBackendGetsWorkOnlyOnceTheSettledOneCarriesTenTimesItsLoad() {
        BackendPool pool = new BackendPool(Duration.ofHours(1), clock::get);
        pool.add(new Backend("old", ANY));
        clock.addAndGet(2 * HOUR);
        pool.add(new Backend("new", ANY));
        BackendSlot old = pool.members().get(0);
        for (int inFlight = 0; inFlight < 9; inFlight++) { // (9 + 1) x 100 against 1 x 1000 is a tie: either
            assertThat(pool.pickLeastBusy(null)).as("%d in flight on the old one", inFlight).isSameAs(old);
            old.tryAcquire();
        }
        old.tryAcquire(); // 10 in flight: (10 + 1) x 100 > 1 x 1000
        assertThat(pool.pickLeastBusy(null).backend().key()).isEqualTo("new");
        assertThat(pool.pickLeastBusy(List.of(pool.members().get(1)))).as("the new one excluded").isSameAs(old);
    }

    /** Through real sockets: requests stay on the settled backend while the new one warms up, then both share. */
    @Test
    void requestsStayOnTheSettledBackendDuringTheNewOnesWarmUp() throws Exception {
        try (FrontEventLoops loops = new FrontEventLoops(1)) {
            IdHttpBackend a = IdHttpBackend.start("a");
            IdHttpBackend b = IdHttpBackend.start("b");
            HttpFront front = new HttpFront("warm", ANY, loops, FrontSettings.defaults().withWarmUp(Duration.ofHours(1)),
                    clock::get);
            front.start();
            try (RawHttpClient client = new RawHttpClient(front.address())) {
                front.addBackend(a.backend());
                clock.addAndGet(2 * HOUR);
                front.addBackend(b.backend());
                Map<String, Integer> served = new HashMap<>();
                for (int i = 0; i < 20; i++) {
                    RawHttpClient.Response response = client.get("/");
                    assertThat(response.status()).isEqualTo(200);
                    served.merge(response.text(), 1, Integer::sum);
                }
                assertThat(served).containsOnlyKeys("a");
                clock.addAndGet(HOUR);
                served.clear();
                for (int i = 0; i < 20; i++) {
                    served.merge(client.get("/").text(), 1, Integer::sum);
                }
                assertThat(served).as("warm now: both share").containsEntry("a", 10).containsEntry("b", 10);
            } finally {
                front.close();
                a.close();
                b.close();
            }
        }
    }

    /** What a surge's hand-over waits for: at once without a warm-up, else when the warm-up is over (a timer). */
    @Test
    void warmedUpCompletesWhenTheBackendHasItsFullShare() throws Exception {
        try (FrontEventLoops loops = new FrontEventLoops(1)) {
            HttpFront front = new HttpFront("warm", ANY, loops, FrontSettings.defaults().withWarmUp(Duration.ofHours(1)),
                    clock::get);
            Backend a = new Backend("a", ANY);
            Backend b = new Backend("b", ANY);
            try {
                front.addBackend(a);
                assertThat(front.warmedUp(a)).as("alone: full share from the start").isDone();
                assertThat(front.warmedUp(new Backend("stranger", ANY))).as("not a member").isDone();
                clock.addAndGet(2 * HOUR);
                front.addBackend(b);
                assertThat(front.warmedUp(b)).as("an hour of warm-up left").isNotDone();
                clock.addAndGet(HOUR - Duration.ofMillis(50).toNanos());
                CompletableFuture<Void> soon = front.warmedUp(b);
                await().atMost(Duration.ofSeconds(5)).until(soon::isDone);
                clock.addAndGet(HOUR);
                assertThat(front.warmedUp(b)).isDone();
            } finally {
                front.close();
            }
        }
    }
}
