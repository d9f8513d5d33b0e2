package dev.supervisor.management.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
    private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
    private final AuthThrottle throttle = new AuthThrottle(now::get);

    private void fail(String source, String user, int times) {
        for (int i = 0; i < times; i++) {
            throttle.failed("test", source, user);
        }
    }

    @Test
    void fiveFailuresAreFreeThenTheLockDoublesUpToThirtySeconds() {
        fail("10.0.0.1", "admin", AuthThrottle.FREE_PER_USER);
        assertThat(throttle.lockedFor("10.0.0.1", "admin")).isEmpty();
        fail("10.0.0.1", "admin", 1);
        assertThat(throttle.lockedFor("10.0.0.1", "admin")).contains(Duration.ofSeconds(1));
        fail("10.0.0.1", "admin", 10);
        assertThat(throttle.lockedFor("10.0.0.1", "admin")).contains(AuthThrottle.MAX_LOCK);
        now.addAndGet(AuthThrottle.MAX_LOCK.toNanos());
        assertThat(throttle.lockedFor("10.0.0.1", "admin")).as("never locked for longer").isEmpty();
    }

    @Test
    void locksArePerSourceAndUserAndASuccessClearsThem() {
        fail("10.0.0.1", "admin", 6);
        assertThat(throttle.lockedFor("10.0.0.2", "admin")).isEmpty();
        assertThat(throttle.lockedFor("10.0.0.1", "viewer")).isEmpty();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        throttle.succeeded("10.0.0.1", "admin");
        fail("10.0.0.1", "admin", 1);
        assertThat(throttle.lockedFor("10.0.0.1", "admin")).isEmpty();
    }

    @Test
    void aSprayOverManyUserNamesLocksTheSource() {
        for (int i = 0; i < AuthThrottle.FREE_PER_SOURCE + 1; i++) {
            fail("10.0.0.9", "user" + i, 1);
        }
        assertThat(throttle.lockedFor("10.0.0.9", "someone-else")).isPresent();
        assertThat(throttle.lockedFor("10.0.0.8", "someone-else")).isEmpty();
    }

    @Test
    void userNamesAreCutAndStrippedBeforeTheyReachTheLog() {
        assertThat(AuthThrottle.printable("a\nb\u0007")).isEqualTo("a?b?");
        assertThat(AuthThrottle.printable("x".repeat(500))).hasSize(65);
    }
}
