package org.veil.viewer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Content-Security-Policy of the viewer's pages (CSP Level 3): scripts from Veil's origin and
 * the page's own inline scripts by their hashes, nothing else; requests only to Veil and to the
 * identity provider. The viewer holds the user's bearer token in its memory: a script injected
 * into it (a DICOM value OHIF shows, a dependency) may neither load more code from elsewhere nor
 * send the token to another origin (connect-src, img-src, form-action). OHIF needs WebAssembly
 * for its codecs ('wasm-unsafe-eval'), workers from its own files or blobs, and inline styles
 * (React's style attributes). It takes the place of the site-wide {@code frame-ancestors 'self'}
 * policy on these pages, and so says that too: no other site may frame the viewer.
 */
final class ViewerCsp {
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc\\s*=)[^>]*>(.*?)</script>",
            Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    /** The chooser page's policy: its inline style sheet, nothing else, framed by Veil alone. */
    static final String CHOOSER = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'self'";

    private ViewerCsp() {
    }

    /** The policy for this page, whose inline scripts run and no others, talking to this identity provider. */
    static String forPage(String html, String authority) {
        String provider = origin(authority);
        StringBuilder scripts = new StringBuilder("'self' 'wasm-unsafe-eval'");
        for (String hash : inlineScriptHashes(html)) {
            scripts.append(" 'sha256-").append(hash).append('\'');
        }
        return String.join("; ",
                "default-src 'self'",
                "script-src " + scripts,
                "worker-src 'self' blob:",
                "style-src 'self' 'unsafe-inline'",
                "img-src 'self' data: blob:",
                "font-src 'self' data:",
                "connect-src 'self' data: blob: " + provider,
                "frame-src 'self' " + provider,
                "form-action 'self' " + provider,
                "manifest-src 'self'",
                "base-uri 'self'",
                "object-src 'none'",
                "frame-ancestors 'self'");
    }

    /** The SHA-256 of each inline script's text, base64, as CSP's hash sources name them. */
    static Set<String> inlineScriptHashes(String html) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = INLINE_SCRIPT.matcher(html);
        while (m.find()) {
            // A browser hashes the script's text with its line breaks normalised (HTML 13.2.3.5).
            out.add(Base64.getEncoder().encodeToString(sha256(m.group(1).replaceAll("\r\n?", "\n"))));
        }
        return out;
    }

    /**
     * scheme://host[:port] of the identity provider's URL: CSP's source for it. From the raw
     * authority, so that a host name java.net.URI does not take for one (an underscore) is kept.
     * Anything but http(s) with a host is refused: {@code keycloak:8080/realms/veil} parses as a
     * URI of scheme "keycloak" and no authority, and would be no source a browser could match.
     */
    static String origin(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("the identity provider's URL is not a URL: " + e.getReason());
        }
        String authority = u.getRawAuthority();
        String host = authority == null ? "" : authority.substring(authority.indexOf('@') + 1);
        if (!("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) || host.isEmpty()
                || host.startsWith(":")) {
            throw new IllegalArgumentException("the identity provider's URL must be http:// or https:// with a host");
        }
        return u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + host;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
