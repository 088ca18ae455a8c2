package org.veil.dicomweb;

/**
 * How fast a client keeps up with Veil, over the time Veil waits for it: a worker thread waits
 * while a STOW-RS body arrives ({@link UploadBody}) and while a WADO-RS answer is taken
 * ({@link DirectFileOutput}), so a client that sends or takes a byte now and then (slow loris,
 * slow read) would hold one as long as it likes. The waiting is counted in windows: over each
 * window of waiting the client must have moved at least the minimum rate, or it is too slow.
 * Windows, not the average since the start: a client that was fast first would otherwise earn
 * hours of trickling. Time Veil spends on its own work (parsing, decoding, reading the index) is
 * not the client's and is not counted. A wait still in progress counts too ({@link #behindNow}),
 * for a write that blocks until the client reads, which nothing else would end.
 */
final class ClientPace {
    private final long minBytesPerSecond;
    private final long windowNanos;
    private long bytes;
    private long waited;
    private long waitingSince;
    private boolean waiting;

    /** At least a second a window: a window of nothing would judge every flush on its own. */
    private static final long SHORTEST_WINDOW = 1_000_000_000L;

    ClientPace(long minBytesPerSecond, java.time.Duration window) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.windowNanos = Math.max(SHORTEST_WINDOW, window.toNanos());
    }

    long minBytesPerSecond() {
        return minBytesPerSecond;
    }

    /** A wait for the client starts now. */
    synchronized void waiting(long now) {
        waiting = true;
        waitingSince = now;
    }

    /** The wait started by {@link #waiting} ended now with {@code n} bytes moved; false when the client is too slow. */
    synchronized boolean moved(long n, long now) {
        waiting = false;
        return account(n, now - waitingSince);
    }

    /** {@code n} bytes moved after {@code waitedNanos} of waiting; false when the client is too slow. */
    synchronized boolean account(long n, long waitedNanos) {
        bytes += n;
        waited += waitedNanos;
        if (waited <= windowNanos) {
            return true;
        }
        boolean keptUp = !tooFew(bytes, waited);
        bytes = 0;
        waited = 0;
        return keptUp;
    }

    /** Whether the wait in progress has already made this window too slow, whatever the client moves later. */
    synchronized boolean behindNow(long now) {
        long w = waited + (waiting ? now - waitingSince : 0);
        return w > windowNanos && tooFew(bytes, w);
    }

    private boolean tooFew(long moved, long waitedNanos) {
        return moved < minBytesPerSecond * (waitedNanos / 1_000_000_000.0);
    }
}
