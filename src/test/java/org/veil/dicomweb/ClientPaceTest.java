package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client's pace is judged over windows of waiting for it, and over a wait still in progress. */
class ClientPaceTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aWindowOfWaitingMustMoveTheMinimum() {
        ClientPace pace = new ClientPace(1000, Duration.ofSeconds(10));
        assertThat(pace.account(5_000, 5 * SECOND)).as("within the window: not judged yet").isTrue();
        assertThat(pace.account(6_000, 6 * SECOND)).as("11,000 bytes over 11 s of waiting").isTrue();
        assertThat(pace.account(5_000, 5 * SECOND)).isTrue();
        assertThat(pace.account(4_000, 6 * SECOND)).as("9,000 bytes over the next 11 s").isFalse();
    }

    @Test
    void aFastStartEarnsNoTrickling() {
        ClientPace pace = new ClientPace(1000, Duration.ofSeconds(10));
        assertThat(pace.account(100_000_000, 11 * SECOND)).isTrue();
        assertThat(pace.account(100, 11 * SECOND)).as("the next window is judged on its own").isFalse();
    }

    /** A write that blocks until the client reads ends only when it does: the wait is judged while it lasts. */
    @Test
    void aWaitInProgressIsJudgedWhileItLasts() {
        ClientPace pace = new ClientPace(1000, Duration.ofSeconds(10));
        long t = 0;
        assertThat(pace.account(4_000, 2 * SECOND)).isTrue();
        pace.waiting(t);
        assertThat(pace.behindNow(t + 3 * SECOND)).as("5 s of waiting: within the window").isFalse();
        assertThat(pace.behindNow(t + 9 * SECOND)).as("11 s, 4,000 bytes").isTrue();
        assertThat(pace.moved(10_000, t + 9 * SECOND)).as("the wait ends having moved enough").isTrue();
        assertThat(pace.behindNow(t + 60 * SECOND)).as("no wait in progress, a new window").isFalse();
    }
}
