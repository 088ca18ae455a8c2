package org.veil.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Writes a multipart/related body (RFC 2387) part by part onto a stream. */
public final class MultipartWriter {
    private final OutputStream out;
    private final String boundary;
    private boolean first = true;

    public MultipartWriter(OutputStream out, String boundary) {
        this.out = out;
        this.boundary = boundary;
    }

    public static String newBoundary() {
        return "veil-" + UUID.randomUUID();
    }

    /** Starts a part; the caller then writes its content to {@link #stream()}. */
    public void startPart(String contentType) throws IOException {
        startPart(contentType, null);
    }

    /** Starts a part holding a range of its content, named by a Content-Range header (RFC 9110 14.4). */
    public void startPart(String contentType, String contentRange) throws IOException {
        startPart(contentType, contentRange, null);
    }

    /**
     * Starts a part, with a Content-Range when it holds a range of its content and a
     * Content-Location naming the resource it is (PS3.18 10.4.3.3.5: a bulk data part names the
     * URI its element's metadata gives) when either is not null.
     */
    public void startPart(String contentType, String contentRange, String contentLocation) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(first ? "--" : "\r\n--").append(boundary).append("\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\n");
        if (contentRange != null) {
            head.append("Content-Range: ").append(contentRange).append("\r\n");
        }
        if (contentLocation != null) {
            head.append("Content-Location: ").append(contentLocation).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        first = false;
    }

    public OutputStream stream() {
        return out;
    }

    public void finish() throws IOException {
        out.write(((first ? "--" : "\r\n--") + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
