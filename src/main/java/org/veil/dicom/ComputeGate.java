package org.veil.dicom;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on CPU-heavy work with pixel data (decoding, rendering, de-identifying,
 * transcoding): at most {@code running} pieces run at once and at most {@code waiting} more wait
 * for a turn, each for at most {@code maxWaitMillis}. Work beyond that is refused at once with
 * {@link BusyException}, which the HTTP layer answers 503 with Retry-After, instead of queueing
 * without end while memory and latency grow. Work that already holds a turn on this thread runs
 * directly (a view built inside a render does not wait for itself).
 */
public final class ComputeGate {
    private final Semaphore turns;
    private final int admitted;
    private final long maxWaitMillis;
    private final AtomicInteger inside = new AtomicInteger();
    private final ThreadLocal<Integer> held = ThreadLocal.withInitial(() -> 0);

    public ComputeGate(int running, int waiting, long maxWaitMillis) {
        if (running < 1 || waiting < 0) {
            throw new IllegalArgumentException("the compute gate needs at least one turn");
        }
        this.turns = new Semaphore(running, true);
        this.admitted = running + waiting;
        this.maxWaitMillis = maxWaitMillis;
    }

    /** How long work waits for a turn before {@link BusyException}: what other waits for compute are bounded by too. */
    public long maxWaitMillis() {
        return maxWaitMillis;
    }

    /** A turn at the gate, to be closed when the work is done: {@code try (Turn t = gate.enter()) {...}}. */
    public interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    /** Too much work is running and waiting: try again later. */
    public static class BusyException extends RuntimeException {
        public BusyException() {
            this("Veil is busy with other images; try again in a few seconds");
        }

        /** Busy for another reason, said in {@code message} (answered 503 with Retry-After all the same). */
        protected BusyException(String message) {
            super(message, null, false, false);
        }
    }

    /** Waits for a turn, or refuses with {@link BusyException} when too much is running and waiting. */
    public Turn enter() {
        if (held.get() > 0) {
            held.set(held.get() + 1);
            return this::leaveNested;
        }
        if (inside.incrementAndGet() > admitted) {
            inside.decrementAndGet();
            throw new BusyException();
        }
        boolean acquired = false;
        try {
            acquired = turns.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!acquired) {
            inside.decrementAndGet();
            throw new BusyException();
        }
        held.set(1);
        return this::leave;
    }

    private void leaveNested() {
        held.set(held.get() - 1);
    }

    private void leave() {
        held.set(0);
        turns.release();
        inside.decrementAndGet();
    }
}
