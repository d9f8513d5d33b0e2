package dev.supervisor.management;

import dev.supervisor.mbeans.ReloadProgress;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.reload.ReloadListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The long poll the CLI follows a start or reload with: lines of a burst come together, the end comes at once. */
class ReloadTicketsTest {
    /** A gathering window long enough that the test's second line always falls in it. */
    private final ReloadTickets tickets = new ReloadTickets(Duration.ofSeconds(1));
    private final ExecutorService client = Executors.newSingleThreadExecutor();
    private final AtomicReference<Thread> polling = new AtomicReference<>();
    private final AtomicReference<ReloadListener> lines = new AtomicReference<>();

    @AfterEach
    void stop() throws InterruptedException {
        client.shutdownNow();
        assertThat(client.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aPollThatHasALineGathersTheLinesThatFollowIt() throws Exception {
        CompletableFuture<ReloadResult> app = new CompletableFuture<>();
        String t = begin(app);
        lines.get().line("s0", "s0[0] online");

        Future<ReloadProgress> poll = poll(t, 0);
        awaitWaiting();
        lines.get().line("s0", "s1[1] online");
        assertThat(poll.isDone()).as("still gathering").isFalse();

        ReloadProgress p = poll.get(5, TimeUnit.SECONDS);
        assertThat(p.getLines()).containsExactly("s0[0] online", "s1[1] online");
        assertThat(p.getNext()).isEqualTo(2);
        assertThat(p.isFinished()).isFalse();
    }

    @Test
    void theEndAnswersAWaitingPollWithTheResults() throws Exception {
        CompletableFuture<ReloadResult> app = new CompletableFuture<>();
        String t = begin(app);

        Future<ReloadProgress> poll = poll(t, 0);
        awaitWaiting();
        lines.get().line("s0", "s0[0] online");
        app.complete(new ReloadResult("s0", "done", 0, 0, 12, "", List.of()));

        ReloadProgress p = poll.get(5, TimeUnit.SECONDS);
        assertThat(p.isFinished()).isTrue();
        assertThat(p.getLines()).containsExactly("s0[0] online");
        assertThat(p.getResults()).extracting(ReloadResult::getOutcome).containsExactly("done");
    }

    @Test
    void aPollWithNothingNewAnswersEmptyAfterItsWait() throws Exception {
        String t = begin(new CompletableFuture<>());
        lines.get().line("s0", "s0[0] online");

        ReloadProgress p = poll(t, 1).get(5, TimeUnit.SECONDS);
        assertThat(p.getLines()).isEmpty();
        assertThat(p.getNext()).isEqualTo(1);
        assertThat(p.isFinished()).isFalse();
    }

    /** Begins an operation of one app whose lines the test writes through {@link #lines}. */
    private String begin(CompletableFuture<ReloadResult> app) {
        return tickets.begin(listener -> {
            lines.set(listener);
            return List.of(app);
        });
    }

    private Future<ReloadProgress> poll(String id, int from) {
        return client.submit(() -> {
            polling.set(Thread.currentThread());
            return tickets.get(id).progress(id, from);
        });
    }

    /** Until the poll waits inside the ticket (for more lines, or for the first one). */
    private void awaitWaiting() {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
            Thread th = polling.get();
            return th != null && th.getState() == Thread.State.TIMED_WAITING;
        });
    }
}
