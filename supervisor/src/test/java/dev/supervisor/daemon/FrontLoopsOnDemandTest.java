package dev.supervisor.daemon;

import dev.supervisor.front.FrontEventLoops;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrontLoopsOnDemandTest {
    private final List<FrontEventLoops> made = new CopyOnWriteArrayList<>();
    private final FrontLoopsOnDemand loops = new FrontLoopsOnDemand(() -> {
        FrontEventLoops l = new FrontEventLoops(1);
        made.add(l);
        return l;
    });

    @Test
    void noFrontMakesNoLoopsAndClosesClean() {
        assertThat(loops.made()).isFalse();
        loops.close();
        assertThat(made).isEmpty();
        assertThatThrownBy(loops::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("shutting down");
        assertThat(made).isEmpty();
    }

    @Test
    void theFirstFrontMakesThemAndEveryFrontSharesThem() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<FrontEventLoops>> got = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(pool.submit(() -> {
                    go.await();
                    return loops.get();
                }));
            }
            go.countDown();
            for (Future<FrontEventLoops> f : got) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(made.get(0));
            }
            assertThat(made).hasSize(1);
            assertThat(loops.made()).isTrue();
        } finally {
            pool.shutdownNow();
            loops.close();
        }
        assertThat(made.get(0).group().isShutdown()).isTrue();
        assertThatThrownBy(loops::get).isInstanceOf(IllegalStateException.class);
        assertThat(made).hasSize(1);
    }
}
