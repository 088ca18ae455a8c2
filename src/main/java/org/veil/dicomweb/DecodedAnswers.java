package org.veil.dicomweb;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.veil.dicom.ComputeGate;

/**
 * The decoded pixel data that answers hold while they stream (frames and Pixel Data decoded to
 * octet-stream, instances decoded to Explicit VR Little Endian), within
 * veil.dicomweb.max-decoded-bytes-streaming for all answers together. Decoding runs in turns at
 * the compute gate, but an answer keeps what it decoded until its client has read it, and a slow
 * client reads for as long as it likes: without this bound, how much a replica holds would depend
 * on how many clients read slowly at once, not on anything Veil chose (docs/security.md).
 *
 * <p>Answers that hold the same decoded instance (a viewer reading a cine frame by frame, each
 * frame a request, all served from the cache of recently decoded instances) count it once.
 */
@ApplicationScoped
public class DecodedAnswers {
    private final long budget;
    private final long maxWaitMillis;
    /** Bytes held now, by all answers; guarded by this. */
    private long held;
    /** Decoded instances held by several answers at once, by storage key; guarded by this. */
    private final Map<String, Shared> shared = new HashMap<>();

    private static final class Shared {
        final long bytes;
        int answers;

        Shared(long bytes) {
            this.bytes = bytes;
        }
    }

    @jakarta.inject.Inject
    public DecodedAnswers(DicomWebConfig config, ComputeGate gate) {
        this(config.maxDecodedBytesStreaming(), gate.maxWaitMillis());
    }

    DecodedAnswers(long budget, long maxWaitMillis) {
        this.budget = budget;
        this.maxWaitMillis = maxWaitMillis;
    }

    /**
     * Room for {@code bytes} of one answer, waited for as long as a turn at the compute gate; else
     * {@link Full} (503 with Retry-After). {@code key}: the stored instance whose decoding the
     * answer shares with others, or null when the bytes are the answer's own.
     */
    public Hold hold(String key, long bytes) {
        long deadline = System.nanoTime() + maxWaitMillis * 1_000_000L;
        synchronized (this) {
            Hold h;
            while ((h = take(key, bytes)) == null) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new Full();
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Full();
                }
            }
            return h;
        }
    }

    /** Room for {@code bytes} now, or null: for answers that can send what they would decode as stored instead. */
    public synchronized Hold tryHold(String key, long bytes) {
        return take(key, bytes);
    }

    /** Bytes held by answers now. */
    public synchronized long held() {
        return held;
    }

    private Hold take(String key, long bytes) {
        Shared s = key == null ? null : shared.get(key);
        if (s != null) {
            s.answers++;
            return new Hold(key, 0);
        }
        // One answer larger than the whole bound is let through when nothing else is held, so
        // that a bound set below max-render-decoded-bytes delays such answers rather than refusing them all.
        if (held > 0 && held + bytes > budget) {
            return null;
        }
        held += bytes;
        if (key != null) {
            Shared first = new Shared(bytes);
            first.answers = 1;
            shared.put(key, first);
        }
        return new Hold(key, bytes);
    }

    private synchronized void release(String key, long bytes) {
        if (key != null) {
            Shared s = shared.get(key);
            if (s != null && --s.answers == 0) {
                shared.remove(key);
                held -= s.bytes;
            }
        } else {
            held -= bytes;
        }
        notifyAll();
    }

    /** One answer's hold: released once, when the answer is written or abandoned, whichever comes first. */
    public final class Hold implements AutoCloseable {
        private final String key;
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Hold(String key, long bytes) {
            this.key = key;
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(key, bytes);
            }
        }
    }

    /** Decoded answers hold all the memory they may: 503 with Retry-After, as a full compute gate. */
    public static final class Full extends ComputeGate.BusyException {
        Full() {
            super("Veil holds as many decoded images as it may for answers being sent; try again in a few seconds");
        }
    }
}
