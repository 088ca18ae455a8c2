package org.veil.dicomweb;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The request URI as clients send it, made one Veil can route. Browsers and scripts send the
 * characters RFC 2396 calls "unwise" raw in query values ({@code ?PatientName=Doe^John}); RFC 3986
 * wants them percent-encoded, and Quarkus's own check refuses them with an empty 400 (Veil turns
 * that check off: {@code vertx.disableURIValidation}, set by VeilMain and the build). Here they are
 * encoded, which changes no value a resource reads, since query values are decoded; anything
 * else a URI may not hold (controls, spaces, quotes, angle brackets, a malformed escape) is
 * refused with a reason.
 */
final class RequestUris {
    /** RFC 2396 2.4.3 "unwise", which clients send raw and RFC 3986 does not allow. */
    private static final String UNWISE = "^`{}|\\[]";

    private RequestUris() {
    }

    /** The URI with every unwise character percent-encoded; the same string when there was none. */
    static String encodeUnwise(String uri) {
        StringBuilder out = null;
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (UNWISE.indexOf(c) >= 0) {
                if (out == null) {
                    out = new StringBuilder(uri.length() + 16).append(uri, 0, i);
                }
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? uri : out.toString();
    }

    /** Why the (encoded) URI cannot be routed, or null. The reason never repeats the URI. */
    static String problem(String uri) {
        if (!uri.startsWith("/") && UNWISE.chars().anyMatch(c -> uri.indexOf(c) >= 0)) {
            // An absolute-form target (RFC 9112 3.2.2) with raw unwise characters: encode them.
            return "the request URI holds characters that must be percent-encoded (RFC 3986)";
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c == 0x7F || c > 0x7E) {
                return "the request URI holds a control character, a space or a character outside ASCII; percent-encode it (RFC 3986)";
            }
            if (c == '"' || c == '<' || c == '>') {
                return "the request URI holds a quote or an angle bracket; percent-encode it (RFC 3986)";
            }
            if (c == '%' && (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0
                    || Character.digit(uri.charAt(i + 2), 16) < 0)) {
                return "the request URI holds a % that does not start a percent-encoding (RFC 3986 2.1)";
            }
        }
        try {
            new URI(uri);
        } catch (URISyntaxException e) {
            return "the request URI is not a valid URI (RFC 3986)";
        }
        if (!percentEncodedUtf8(uri)) {
            // PS3.18 8.3.1 and RFC 3986 2.5: text in a URI is UTF-8; other bytes were matched as
            // replacement characters, a search that could not mean what was sent.
            return "the request URI's percent-encoded bytes are not UTF-8 (RFC 3986 2.5)";
        }
        return null;
    }

    /** Whether the bytes the URI's percent-encodings stand for, with the characters between them, are UTF-8. */
    private static boolean percentEncodedUtf8(String uri) {
        if (uri.indexOf('%') < 0) {
            return true;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(uri.length());
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '%' && i + 2 < uri.length()) {
                bytes.write(Character.digit(uri.charAt(i + 1), 16) * 16 + Character.digit(uri.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
