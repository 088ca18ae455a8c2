package org.veil.dicomweb;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.veil.dicom.FileRangeOutput;
import org.veil.dicom.RangeCopier;

/**
 * A retrieval's response stream that sends stored file bytes from reused direct buffers.
 *
 * <p>Through Quarkus REST's stream, each 256 KiB of a stored file was read into a heap buffer,
 * copied into a direct buffer that Netty's pool allocates fresh for anything over its 64 KiB
 * chunks, and that allocation zeroes it first: a flight recording of warm study retrievals had
 * 65% of the server's Java samples in that path, 23% of them zeroing (docs/benchmarks.md, eleventh
 * session). Here a file range is read straight into a direct buffer that is kept for reuse and
 * written to the response as it is, so a stored byte is copied twice (file to buffer, buffer to
 * socket, both in the kernel) and never zeroed or copied on the heap.
 *
 * <p>Everything else (part headers, rewritten or decoded instances, small ranges) goes through
 * Quarkus REST's stream, which is flushed before a range is sent, so the bytes keep their order
 * and the response's head is committed by the stream as before. At most {@value #IN_FLIGHT}
 * buffers of one response are waiting for the socket: a slow client holds its response's
 * thread, not more memory.
 */
final class DirectFileOutput extends OutputStream implements FileRangeOutput {
    static final int PIECE = 256 * 1024;
    /** Below this a range is copied through the stream: one more copy costs less than a flush. */
    static final int SMALLEST_DIRECT = 64 * 1024;
    private static final int IN_FLIGHT = 4;
    /** Idle buffers kept for reuse, at most 16 MiB; more are left to the garbage collector. */
    private static final ArrayBlockingQueue<ByteBuffer> IDLE = new ArrayBlockingQueue<>(64);

    private final OutputStream stream;
    private final HttpServerResponse response;
    private final Semaphore free = new Semaphore(IN_FLIGHT);
    private volatile Throwable failure;

    DirectFileOutput(OutputStream stream, HttpServerResponse response) {
        this.stream = stream;
        this.response = response;
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

    @Override
    public void writeFileRange(FileChannel file, long offset, long length) throws IOException {
        if (length < SMALLEST_DIRECT) {
            RangeCopier.copyThroughHeap(file, offset, length, stream);
            return;
        }
        stream.flush();
        if (!response.headWritten() && !response.headers().contains("Content-Length")) {
            // Nothing written yet (a single body, not a part): the head goes with the first
            // buffer, and the length is not known to it.
            response.setChunked(true);
            if (!response.isChunked()) {
                // An HTTP/1.0 client, which has no chunks: the stream decides, as before.
                RangeCopier.copyThroughHeap(file, offset, length, stream);
                return;
            }
        }
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            awaitFreeBuffer();
            ByteBuffer b = take();
            try {
                b.limit((int) Math.min(b.capacity(), end - pos));
                while (b.hasRemaining()) {
                    if (file.read(b, pos + b.position()) < 0) {
                        throw new EOFException("stored instance is shorter than its index says");
                    }
                }
            } catch (IOException | RuntimeException e) {
                give(b);
                free.release();
                throw e;
            }
            b.flip();
            pos += b.remaining();
            response.write(Buffer.buffer(Unpooled.wrappedBuffer(b))).onComplete(done -> {
                if (done.failed()) {
                    failure = done.cause();
                }
                give(b);
                free.release();
            });
        }
    }

    /** Waits until fewer than IN_FLIGHT buffers are waiting for the socket; gives up when the client has gone. */
    private void awaitFreeBuffer() throws IOException {
        try {
            while (!free.tryAcquire(1, TimeUnit.SECONDS)) {
                if (response.closed() || failure != null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the response was being sent");
        }
        if (failure != null || response.closed()) {
            throw new IOException("the response could not be sent: the connection is closed");
        }
    }

    private static ByteBuffer take() {
        ByteBuffer b = IDLE.poll();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(PIECE);
    }

    private static void give(ByteBuffer b) {
        IDLE.offer(b);
    }
}
