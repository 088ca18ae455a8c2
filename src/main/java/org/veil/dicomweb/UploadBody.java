package org.veil.dicomweb;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body as STOW-RS reads it, at the client's pace ({@link ClientPace}, in windows of the
 * grace period): a body that arrives slower than the minimum rate is refused (408). Time the
 * server spends on what it has read (parsing, staging, fsync) is not counted. A read that fails
 * (the connection dropped, the read timeout) is the client's too: {@link Stalled}, never a server error.
 */
final class UploadBody extends FilterInputStream {
    private final ClientPace pace;

    UploadBody(InputStream in, long minBytesPerSecond, java.time.Duration grace) {
        super(in);
        this.pace = new ClientPace(minBytesPerSecond, grace);
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
        if (!pace.account(n, waited)) {
            throw new Stalled("the request body arrived slower than " + pace.minBytesPerSecond() + " bytes a second");
        }
    }
}
