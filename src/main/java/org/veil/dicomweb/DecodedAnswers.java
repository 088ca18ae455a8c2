package org.veil.dicomweb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.IdentityHashMap;
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
 * <p>Room is taken at once or not at all (503, as a full compute gate): an answer that waited for
 * room would hold what it decoded, uncounted, while it waited. Answers that hold the same decoded
 * object (a viewer reading a cine frame by frame, each frame a request, all served from the cache
 * of recently decoded instances) count it once; the same instance decoded twice (the cache let it
 * go between two requests) is two objects and counts twice.
 */
@ApplicationScoped
public class DecodedAnswers {
    private final long budget;
    /** Bytes held now, by all answers; guarded by this. */
    private long held;
    /** Decoded objects held by answers, by identity, with how many answers hold each; guarded by this. */
    private final Map<Object, Shared> shared = new IdentityHashMap<>();

    private static final class Shared {
        final long bytes;
        int answers = 1;

        Shared(long bytes) {
            this.bytes = bytes;
        }
    }

    @Inject
    public DecodedAnswers(DicomWebConfig config) {
        this(config.maxDecodedBytesStreaming());
    }

    DecodedAnswers(long budget) {
        this.budget = budget;
    }

    /**
     * Room for {@code bytes} of one answer, or {@link Full} (503 with Retry-After). {@code decoded}:
     * the decoded object the answer shares with others (it counts once however many hold it), or
     * null when the bytes are the answer's own.
     */
    public Hold hold(Object decoded, long bytes) {
        Hold h = tryHold(decoded, bytes);
        if (h == null) {
            throw new Full();
        }
        return h;
    }

    /** Room for {@code bytes} now, or null: for answers that can send what they would decode as stored instead. */
    public synchronized Hold tryHold(Object decoded, long bytes) {
        Shared s = decoded == null ? null : shared.get(decoded);
        if (s != null) {
            s.answers++;
            return new Hold(decoded, 0);
        }
        // One answer larger than the whole bound is let through when nothing else is held, so
        // that a bound set below max-render-decoded-bytes delays such answers rather than refusing them all.
        if (held > 0 && held + bytes > budget) {
            return null;
        }
        held += bytes;
        if (decoded != null) {
            shared.put(decoded, new Shared(bytes));
        }
        return new Hold(decoded, bytes);
    }

    /** {@link Full} when no answer could take room now: checked before decoding what would then be refused. */
    public synchronized void requireRoom() {
        if (held >= budget) {
            throw new Full();
        }
    }

    /** Bytes held by answers now. */
    public synchronized long held() {
        return held;
    }

    private synchronized void release(Object decoded, long bytes) {
        if (decoded != null) {
            Shared s = shared.get(decoded);
            if (s != null && --s.answers == 0) {
                shared.remove(decoded);
                held -= s.bytes;
            }
        } else {
            held -= bytes;
        }
    }

    /** One answer's hold: released once, when the answer is written or abandoned, whichever comes first. */
    public final class Hold implements AutoCloseable {
        private final Object decoded;
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Hold(Object decoded, long bytes) {
            this.decoded = decoded;
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(decoded, bytes);
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
