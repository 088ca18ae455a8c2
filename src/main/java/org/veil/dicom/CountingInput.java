package org.veil.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** A buffered input that knows its position and reads DICOM's fixed-width integers. */
final class CountingInput {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long consumed;

    CountingInput(InputStream in, long startPosition) {
        this.in = in;
        this.consumed = startPosition;
    }

    /** Position in the stream of the next byte to be read. */
    long position() {
        return consumed + pos;
    }

    boolean atEnd() throws IOException {
        return !ensure(1);
    }

    /** Ensures {@code n} bytes are buffered, for n at most the buffer's size; false at end. */
    private boolean ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            consumed += pos;
            limit -= pos;
            pos = 0;
        }
        while (limit < n) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                return false;
            }
            limit += r;
        }
        return true;
    }

    private void require(int n) throws IOException {
        if (!ensure(n)) {
            throw new EOFException();
        }
    }

    int u16(boolean bigEndian) throws IOException {
        require(2);
        int v = ValueCodec.u16(buf, pos, bigEndian);
        pos += 2;
        return v;
    }

    long u32(boolean bigEndian) throws IOException {
        require(4);
        long v = ValueCodec.u32(buf, pos, bigEndian);
        pos += 4;
        return v;
    }

    /** The next four bytes as a big-endian int, without consuming them; -1 when fewer remain. */
    int peekLeading() throws IOException {
        if (!ensure(4)) {
            return limit - pos >= 2 ? ((buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16) : -1;
        }
        return ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
    }

    /** The next two bytes of a tag's group, without consuming them. */
    int peekU16(boolean bigEndian) throws IOException {
        require(2);
        return ValueCodec.u16(buf, pos, bigEndian);
    }

    void readFully(byte[] dst) throws IOException {
        int off = 0;
        while (off < dst.length) {
            if (pos == limit && !ensure(1)) {
                throw new EOFException();
            }
            int n = Math.min(dst.length - off, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
        }
    }

    void skipFully(long n) throws IOException {
        long buffered = Math.min(n, limit - pos);
        pos += (int) buffered;
        n -= buffered;
        while (n > 0) {
            long skipped = in.skip(n);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                skipped = 1;
            }
            consumed += skipped;
            n -= skipped;
        }
    }

    /** The rest of the underlying stream, after what is buffered here, for a deflated data set. */
    InputStream remainder() {
        byte[] rest = java.util.Arrays.copyOfRange(buf, pos, limit);
        return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(rest), in);
    }
}
