package org.veil.dicomweb;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.veil.dicom.FileRangeOutput;
import org.veil.dicom.RangeCopier;

/**
 * A retrieval's response stream that sends stored file bytes from reused direct buffers.
 *
 * <p>Through Quarkus REST's stream, each 256 KiB of a stored file was read into a heap buffer,
 * then copied into a direct buffer that Netty's pool allocates fresh for anything over its 64 KiB
 * chunks, zeroing it first: in a flight recording of warm study retrievals, 65% of the server's
 * Java samples were in that path, a third of them zeroing (docs/benchmarks.md, eleventh session).
 * Here a file range is read straight into a direct buffer kept for reuse and handed to the
 * response as it is, so a stored byte is copied only in the kernel (file to buffer, buffer to
 * socket).
 *
 * <p>The response's head is always committed by Quarkus REST's stream, as before: a range goes
 * direct only once the head is written, and the stream is flushed first, so the bytes keep their
 * order. A single body (no part header before it) of up to 256 KiB therefore still goes through
 * the stream and keeps its Content-Length; a longer one sends its first 64 KiB through the stream,
 * which commits the head chunked as it did for any body over its buffer.
 *
 * <p>Bounds: at most {@value #IN_FLIGHT} buffers of one response wait for the socket, and at most
 * {@value #MOST_IN_FLIGHT} of all responses together (64 MiB); beyond that a range goes through
 * the stream. At most {@value #MOST_IDLE} idle buffers (16 MiB) are kept. A buffer is reused only
 * once Netty reports its write done or failed.
 *
 * <p>Every wait for the client, for a buffer to come back or for the stream to take bytes, is
 * counted at its {@link ClientPace}: a client that takes less than the minimum rate over a window
 * of waiting has its connection reset (by {@link #watch}, also while a write is blocked), so a
 * reader that stops or trickles cannot hold a worker thread, its buffers and its decoded pixel
 * data until the idle timeout. Writes go to the stream in pieces of at most {@value #PACED_PIECE}
 * bytes, so that a long value is counted as it is taken rather than only once it all has been.
 */
final class DirectFileOutput extends OutputStream implements FileRangeOutput {
    static final int PIECE = 256 * 1024;
    /** Below this a range is copied through the stream: one more copy costs less than a flush. */
    static final int SMALLEST_DIRECT = 64 * 1024;
    private static final int IN_FLIGHT = 4;
    private static final int MOST_IN_FLIGHT = 256;
    private static final int MOST_IDLE = 64;
    private static final int PACED_PIECE = 64 * 1024;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DirectFileOutput.class);

    private static final ArrayBlockingQueue<ByteBuffer> IDLE = new ArrayBlockingQueue<>(MOST_IDLE);
    private static final Semaphore ALL_RESPONSES = new Semaphore(MOST_IN_FLIGHT);
    private static final LongAdder SENT = new LongAdder();

    private final OutputStream stream;
    private final io.vertx.core.http.HttpServerRequest request;
    private final HttpServerResponse response;
    private final ClientPace pace;
    private final Semaphore free = new Semaphore(IN_FLIGHT);
    private volatile Throwable failure;

    DirectFileOutput(OutputStream stream, io.vertx.core.http.HttpServerRequest request, ClientPace pace) {
        this.stream = new Paced(stream);
        this.request = request;
        this.response = request.response();
        this.pace = pace;
    }

    /**
     * Checks the client's pace every second until {@code writing} ends, on the event loop, and
     * resets the connection of a client that has fallen behind: a write blocked on it then fails
     * and the worker thread goes free. Returns what stops the checks.
     */
    static Runnable watch(io.vertx.core.Context connection, io.vertx.core.http.HttpServerRequest request, ClientPace pace) {
        HttpServerResponse response = request.response();
        io.vertx.core.Vertx vertx = connection.owner();
        long timer = vertx.setPeriodic(1000, id -> {
            if (!response.closed() && pace.behindNow(System.nanoTime())) {
                vertx.cancelTimer(id);
                // On the request's context (its event loop when the request has one); Vert.x
                // takes a reset from any thread, and the worker's own cut is made on it.
                connection.runOnContext(v -> cut(request, pace));
            }
        });
        return () -> vertx.cancelTimer(timer);
    }

    private static void cut(io.vertx.core.http.HttpServerRequest request, ClientPace pace) {
        if (request.response().closed() || request.response().ended()) {
            return; // reset already (by the watch while this thread waited), or the client gone
        }
        // No path or UID: the resource names the patient's study.
        LOG.warnf("a client took a retrieval's answer slower than %d bytes a second; its connection was reset",
                pace.minBytesPerSecond());
        request.response().reset();
    }

    @Override
    public void write(int b) throws IOException {
        stream.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        stream.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        stream.flush();
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }

    /** The response stream, every write and flush a wait for the client counted at its pace. */
    private final class Paced extends java.io.FilterOutputStream {
        Paced(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            pace.waiting(System.nanoTime());
            out.write(b);
            moved(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len; ) {
                int n = Math.min(PACED_PIECE, len - done);
                pace.waiting(System.nanoTime());
                out.write(b, off + done, n);
                moved(n);
                done += n;
            }
        }

        @Override
        public void flush() throws IOException {
            pace.waiting(System.nanoTime());
            out.flush();
            moved(0);
        }
    }

    private void moved(long n) throws IOException {
        if (!pace.moved(n, System.nanoTime())) {
            cut(request, pace);
            throw new IOException("the client took the answer slower than " + pace.minBytesPerSecond() + " bytes a second");
        }
    }

    @Override
    public void writeFileRange(FileChannel file, long offset, long length) throws IOException {
        if (length < SMALLEST_DIRECT || (!response.headWritten() && length <= PIECE)) {
            RangeCopier.copyThroughHeap(file, offset, length, stream);
            return;
        }
        long pos = offset;
        long end = offset + length;
        if (!response.headWritten()) {
            RangeCopier.copyThroughHeap(file, pos, SMALLEST_DIRECT, stream);
            pos += SMALLEST_DIRECT;
        }
        stream.flush();
        if (!response.headWritten()) {
            // A flush with bytes in the stream commits the head; should it not have, the head
            // stays the stream's to write, and the rest goes the same way.
            RangeCopier.copyThroughHeap(file, pos, end - pos, stream);
            return;
        }
        while (pos < end) {
            awaitFreeBuffer();
            if (!ALL_RESPONSES.tryAcquire()) {
                free.release();
                RangeCopier.copyThroughHeap(file, pos, end - pos, stream);
                stream.flush();
                return;
            }
            pos += send(file, pos, end);
        }
    }

    /** Reads the next piece of [pos, end) into a buffer and hands it to the response; returns its length. */
    private int send(FileChannel file, long pos, long end) throws IOException {
        ByteBuffer b = null;
        try {
            b = take();
            b.limit((int) Math.min(b.capacity(), end - pos));
            while (b.hasRemaining()) {
                if (file.read(b, pos + b.position()) < 0) {
                    throw new EOFException("stored instance is shorter than its index says");
                }
            }
            b.flip();
            int n = b.remaining();
            ByteBuffer sent = b;
            response.write(Buffer.buffer(Unpooled.wrappedBuffer(b))).onComplete(done -> {
                if (done.failed()) {
                    failure = done.cause();
                }
                release(sent);
            });
            SENT.add(n);
            pace.account(n, 0);
            return n;
        } catch (IOException | RuntimeException | Error e) {
            release(b);
            throw e;
        }
    }

    private void release(ByteBuffer b) {
        if (b != null) {
            IDLE.offer(b);
        }
        ALL_RESPONSES.release();
        free.release();
    }

    /**
     * Waits until fewer than IN_FLIGHT buffers of this response are waiting for the socket: a
     * wait for the client, counted at its pace. Gives up when the connection is closed (by
     * {@link #watch} too, when the client has fallen behind) or a write failed.
     */
    private void awaitFreeBuffer() throws IOException {
        pace.waiting(System.nanoTime());
        try {
            while (!free.tryAcquire(1, TimeUnit.SECONDS)) {
                if (response.closed() || failure != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the response was being sent");
        }
        moved(0);
        if (failure != null || response.closed()) {
            throw new IOException("the response could not be sent: the connection is closed");
        }
    }

    private static ByteBuffer take() {
        ByteBuffer b = IDLE.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(PIECE);
    }

    /** Buffers of all responses handed to the socket and not yet reported written: for tests. */
    static int inFlight() {
        return MOST_IN_FLIGHT - ALL_RESPONSES.availablePermits();
    }

    /** Bytes sent from direct buffers since start: for tests. */
    static long bytesSent() {
        return SENT.sum();
    }
}
