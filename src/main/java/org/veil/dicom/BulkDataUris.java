package org.veil.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Stored DICOM JSON names bulk data by paths relative to the service ("studies/.../bulkdata/...");
 * an answer makes them absolute with the base URL of the request (PS3.18 F.2.6 wants a URI the
 * client can retrieve), which differs per host and proxy and so cannot be stored.
 */
public final class BulkDataUris {
    private static final String MARKER = "\"BulkDataURI\":\"";

    private BulkDataUris() {
    }

    /** What every stored BulkDataURI is prefixed with in an answer: the request's base URL and a slash. */
    public static String prefix(String base) {
        return base + "/";
    }

    /** The JSON with every BulkDataURI prefixed by {@link #prefix}. */
    public static String absolute(String json, String base) {
        return json.replace(MARKER, MARKER + prefix(base));
    }

    /**
     * Writes UTF-8 JSON as stored with every BulkDataURI prefixed by {@code baseWithSlash} (the
     * bytes of {@link #prefix}, made once per answer), without
     * decoding it into a string: a large series' metadata is thousands of these documents. The
     * marker is ASCII and UTF-8 never puts an ASCII byte inside a multi-byte character, so it is
     * looked for in the bytes read as Latin-1 (a copy, no decoding), where {@code indexOf} is
     * vectorised.
     */
    public static void writeAbsolute(byte[] json, byte[] baseWithSlash, OutputStream out) throws IOException {
        String bytes = new String(json, StandardCharsets.ISO_8859_1);
        int from = 0;
        for (int at = bytes.indexOf(MARKER); at >= 0; at = bytes.indexOf(MARKER, from)) {
            int valueStart = at + MARKER.length();
            out.write(json, from, valueStart - from);
            out.write(baseWithSlash);
            from = valueStart;
        }
        out.write(json, from, json.length - from);
    }
}
