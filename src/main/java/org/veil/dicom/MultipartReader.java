package org.veil.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a multipart/related body (RFC 2387, RFC 2046 5.1) one part at a time, copying each
 * part's content to a sink as it arrives, so that memory stays at one buffer whatever the body's
 * size. Limits on part and body size are enforced while reading.
 */
public final class MultipartReader {
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    /** Horspool's shift for each byte under the window's last position; see {@link #indexOfDelimiter}. */
    private final int[] shift = new int[256];
    private final long maxPartBytes;
    private final long maxBodyBytes;
    private final byte[] buf = new byte[128 * 1024];
    private int pos;
    private int limit;
    private long bodyBytes;
    private boolean started;
    private boolean finished;

    /**
     * @param boundary the boundary parameter of the Content-Type
     */
    public MultipartReader(InputStream in, String boundary, long maxPartBytes, long maxBodyBytes) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        java.util.Arrays.fill(shift, delimiter.length);
        for (int j = 0; j < delimiter.length - 1; j++) {
            shift[delimiter[j] & 0xFF] = delimiter.length - 1 - j;
        }
        this.maxPartBytes = maxPartBytes;
        this.maxBodyBytes = maxBodyBytes;
        // The first delimiter need not follow a CRLF: pretend one preceded the body.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /**
     * Advances to the next part and returns its headers (names lowercased), or null after the
     * close delimiter.
     */
    public Map<String, String> nextPart() throws IOException, MalformedMultipartException {
        if (finished) {
            return null;
        }
        if (!started) {
            started = true;
            skipTo(null); // discard the preamble up to the first delimiter
        }
        if (!fill(2)) {
            throw new MalformedMultipartException("body ends without a closing boundary");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return null;
        }
        skipTransportPadding();
        return readHeaders();
    }

    /** Copies the current part's content to {@code out}; returns the number of bytes. */
    public long copyPartTo(OutputStream out) throws IOException, MalformedMultipartException {
        return skipTo(out);
    }

    /** Reads until the next delimiter, writing what precedes it to {@code out} when not null. */
    private long skipTo(OutputStream out) throws IOException, MalformedMultipartException {
        long copied = 0;
        int d = delimiter.length;
        while (true) {
            int found = indexOfDelimiter();
            int end = found >= 0 ? found : Math.max(pos, limit - d + 1);
            if (end > pos) {
                copied += end - pos;
                if (out != null) {
                    if (copied > maxPartBytes) {
                        throw new PayloadTooLargeException("part exceeds the size limit of " + maxPartBytes + " bytes");
                    }
                    out.write(buf, pos, end - pos);
                }
                pos = end;
            }
            if (found >= 0) {
                pos += d;
                return copied;
            }
            if (!refill()) {
                throw new MalformedMultipartException(out == null
                        ? "body does not contain the boundary given in the Content-Type"
                        : "body ends inside a part, without a closing boundary");
            }
        }
    }

    /**
     * The next delimiter in the buffer, by Boyer-Moore-Horspool: the byte under the window's last
     * position says how far the delimiter can move, most often its whole length (30 to 74 bytes)
     * in pixel data, where a byte-by-byte scan stopped at every CR.
     */
    private int indexOfDelimiter() {
        int d = delimiter.length;
        byte last = delimiter[d - 1];
        int i = pos;
        while (i <= limit - d) {
            byte b = buf[i + d - 1];
            if (b == last && java.util.Arrays.equals(buf, i, i + d - 1, delimiter, 0, d - 1)) {
                return i;
            }
            i += shift[b & 0xFF];
        }
        return -1;
    }

    /** After a delimiter: optional linear white space, then CRLF (RFC 2046 5.1.1). */
    private void skipTransportPadding() throws IOException, MalformedMultipartException {
        while (fill(1) && (buf[pos] == ' ' || buf[pos] == '\t')) {
            pos++;
        }
        if (!fill(2) || buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw new MalformedMultipartException("boundary is not followed by a line break");
        }
        pos += 2;
    }

    private Map<String, String> readHeaders() throws IOException, MalformedMultipartException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (!fill(2)) {
                    throw new MalformedMultipartException("body ends inside part headers");
                }
                if (buf[pos] == '\r' && buf[pos + 1] == '\n') {
                    pos += 2;
                    break;
                }
                line.append((char) (buf[pos++] & 0xFF));
                if (++total > MAX_HEADER_BYTES) {
                    throw new MalformedMultipartException("part headers are too long");
                }
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(":");
            if (colon <= 0) {
                throw new MalformedMultipartException("malformed part header line");
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
    }

    private boolean fill(int n) throws IOException, MalformedMultipartException {
        while (limit - pos < n) {
            if (!refill()) {
                return false;
            }
        }
        return true;
    }

    private boolean refill() throws IOException, MalformedMultipartException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            return true;
        }
        int r = in.read(buf, limit, buf.length - limit);
        if (r < 0) {
            return false;
        }
        bodyBytes += r;
        if (bodyBytes > maxBodyBytes) {
            throw new PayloadTooLargeException("request body exceeds the size limit of " + maxBodyBytes + " bytes");
        }
        limit += r;
        return true;
    }
}
