package org.veil.dicomweb;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body as STOW-RS reads it. A worker thread waits on every read, so a client that sends
 * a byte now and then (a slow-loris upload) would hold one for as long as the server's read timeout
 * lets each wait last, read after read. So the time spent waiting for the client is counted, in
 * windows of the grace period: over each window the client must have sent at least the minimum
 * rate, or the upload is refused (408). Windows, not the average since the start: a client that
 * sent fast first would otherwise earn hours of trickling. Time the server spends on what it has read (parsing, staging, fsync)
 * is not the client's and is not counted. A read that fails (the connection dropped, the read
 * timeout) is the client's too: {@link Stalled}, never a server error.
 */
final class UploadBody extends FilterInputStream {
    private final long minBytesPerSecond;
    private final long graceNanos;
    private long windowBytes;
    private long windowNanos;

    UploadBody(InputStream in, long minBytesPerSecond, java.time.Duration grace) {
        super(in);
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = grace.toNanos();
    }

    /** The upload stopped or slowed below the minimum rate; nothing of it is stored. */
    static final class Stalled extends IOException {
        Stalled(String reason) {
            super(reason, null);
        }
    }

    @Override
    public int read() throws IOException {
        long t = System.nanoTime();
        int b;
        try {
            b = super.read();
        } catch (IOException e) {
            throw failed(e);
        }
        account(b < 0 ? 0 : 1, System.nanoTime() - t);
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long t = System.nanoTime();
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException e) {
            throw failed(e);
        }
        account(Math.max(n, 0), System.nanoTime() - t);
        return n;
    }

    /** Skipped bytes are read, so that they are waited for and counted like the rest. */
    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 64 * 1024)];
        int read = scratch.length == 0 ? 0 : read(scratch, 0, scratch.length);
        return Math.max(read, 0);
    }

    private static IOException failed(IOException e) {
        return e instanceof Stalled ? e : new Stalled("the request body stopped arriving before its end");
    }

    private void account(int n, long waited) throws Stalled {
        windowBytes += n;
        windowNanos += waited;
        if (windowNanos > graceNanos) {
            if (windowBytes < minBytesPerSecond * (windowNanos / 1_000_000_000.0)) {
                throw new Stalled("the request body arrived slower than " + minBytesPerSecond + " bytes a second");
            }
            windowBytes = 0;
            windowNanos = 0;
        }
    }
}
