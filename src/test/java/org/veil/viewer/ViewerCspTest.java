package org.veil.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The viewer's policy as a browser reads it: the hashes of its inline scripts, the identity provider's origin. */
class ViewerCspTest {

    /** The example of CSP Level 3 (section 8.4, "hash-source"): alert('Hello, world.'); hashes to this. */
    @Test
    void anInlineScriptIsHashedAsBrowsersHashIt() {
        String html = "<html><head><script>alert('Hello, world.');</script>"
                + "<script src=\"/app.js\"></script><SCRIPT type=\"module\">x()\r\ny()</SCRIPT></head></html>";
        assertThat(ViewerCsp.inlineScriptHashes(html)).containsExactly("qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=",
                // "x()\ny()": line breaks normalised before hashing, as the HTML parser does
                java.util.Base64.getEncoder().encodeToString(sha256("x()\ny()")));
        String policy = ViewerCsp.forPage(html, "https://login.hospital.example/realms/veil");
        assertThat(policy).contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='")
                .contains("connect-src 'self' data: blob: https://login.hospital.example;")
                .contains("frame-ancestors 'self'").doesNotContain("*");
        String scripts = policy.substring(policy.indexOf("script-src"), policy.indexOf(';', policy.indexOf("script-src")));
        assertThat(scripts).doesNotContain("unsafe-inline").doesNotContain(" 'unsafe-eval'");
    }

    @Test
    void theProvidersOriginKeepsItsPortAndAHostJavaDoesNotParse() {
        assertThat(ViewerCsp.origin("http://127.0.0.1:8180/realms/veil")).isEqualTo("http://127.0.0.1:8180");
        assertThat(ViewerCsp.origin("http://keycloak_1:8080/realms/veil")).isEqualTo("http://keycloak_1:8080");
        assertThat(ViewerCsp.origin("https://user@login.example/realms/veil")).isEqualTo("https://login.example");
        assertThat(ViewerCsp.origin("HTTPS://login.example/realms/veil")).isEqualTo("https://login.example");
    }

    /** A URL without a scheme Veil's viewer can use or without a host is refused (at start-up, by ViewerRoutes). */
    @Test
    void aProviderUrlWithoutAnHttpOriginIsRefused() {
        for (String url : new String[] {"keycloak:8080/realms/veil", "/realms/veil", "file:///etc/passwd",
                "http:///realms/veil", "http://:8080/realms/veil", "javascript:alert(1)", "http://a b/"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ViewerCsp.origin(url)).as(url)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identity provider");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
