package org.veil.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.security.KeycloakServer;

/**
 * The OHIF viewer as Veil serves it, from the pinned @ohif/app package that `make test` fetches:
 * a purpose chooser, the viewer under each purpose's prefix with its files found there, the
 * single-page fallback, and the generated configuration, evaluated by Node.js as the browser would.
 */
@QuarkusTest
class ViewerTest {
    /** What veil.viewer.dir is in this run: make sets VEIL_VIEWER_DIR for Veil and the tests alike. */
    private final Path dist = Path.of(System.getenv("VEIL_VIEWER_DIR"));

    @Test
    void theChooserOffersEveryPurposeWithoutAToken() {
        assertThat(RestAssured.given().redirects().follow(false).get("/viewer").getHeader("Location")).isEqualTo("/viewer/");
        Response r = RestAssured.get("/viewer/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/html");
        assertThat(r.header("Content-Security-Policy")).as("the chooser runs no script").startsWith("default-src 'none'")
                .contains("frame-ancestors 'self'");
        var refreshPage = RestAssured.get("/viewer/teaching/silent-refresh.html");
        assertThat(refreshPage.statusCode()).as("no page of the package but its index").isEqualTo(404);
        assertThat(refreshPage.jsonPath().getString("reason")).contains("no viewer page");
        for (String purpose : new String[] {"treatment", "consultation", "teaching", "research", "publication"}) {
            assertThat(r.asString()).contains("href=\"/viewer/" + purpose + "/\"");
        }
        var unknown = RestAssured.get("/viewer/curiosity/");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.jsonPath().getInt("status")).as("a refusal has its JSON reason").isEqualTo(404);
        assertThat(unknown.jsonPath().getString("reason")).contains("no viewer at this path");
        // The viewer is open; the data is not.
        assertThat(RestAssured.get("/dicomweb/studies").statusCode()).isEqualTo(401);
        // Served here, the viewer needs no CORS: by default no other origin is allowed (CorsTest has the other way).
        assertThat(RestAssured.given().header("Origin", "https://viewer.hospital.example").header("Access-Control-Request-Method", "GET")
                .options("/dicomweb/studies").header("Access-Control-Allow-Origin")).isNull();
        Response options = RestAssured.given().header("Origin", "https://viewer.hospital.example").header("Access-Control-Request-Method", "GET")
                .options("/dicomweb/studies");
        assertThat(options.statusCode()).as(options.asString()).isLessThan(500);
        assertThat(options.asString()).isEmpty();
        // Any other request without a token, OPTIONS included, is refused.
        assertThat(RestAssured.given().options("/dicomweb/studies").statusCode()).isEqualTo(401);
    }

    /**
     * The viewer's pages carry a policy that lets their own inline scripts run by hash and no
     * other inline script, and lets them talk to Veil and the identity provider only
     * (OhifBrowserTest proves in Chromium that nothing the viewer needs is refused and that a
     * request to another origin is).
     */
    @Test
    void theViewersPageCarriesAContentSecurityPolicy() {
        Response r = RestAssured.get("/viewer/research/");
        String html = r.asString();
        java.util.List<String> policies = r.headers().getValues("Content-Security-Policy");
        assertThat(policies).hasSize(1);
        String policy = policies.get(0);
        assertThat(policy).as("in place of the site-wide policy, whose frame-ancestors it keeps").contains("frame-ancestors 'self'");
        assertThat(ViewerCsp.inlineScriptHashes(html)).as("the index has inline scripts").isNotEmpty();
        for (String hash : ViewerCsp.inlineScriptHashes(html)) {
            assertThat(policy).contains("'sha256-" + hash + "'");
        }
        String scripts = policy.substring(policy.indexOf("script-src"), policy.indexOf(';', policy.indexOf("script-src")));
        assertThat(scripts).doesNotContain("'unsafe-inline'").doesNotContain("'unsafe-eval'").doesNotContain("*");
        assertThat(policy).contains("connect-src 'self' data: blob: " + ViewerCsp.origin(
                org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class)))
                .contains("object-src 'none'").contains("base-uri 'self'");
    }

    @Test
    void theViewerLivesUnderThePurposesPrefix() throws Exception {
        String index = RestAssured.get("/viewer/consultation/").asString();
        assertThat(index).containsAnyOf("window.PUBLIC_URL = '/viewer/consultation/'", "window.PUBLIC_URL=\"/viewer/consultation/\"")
                .doesNotContain("window.PUBLIC_URL = '/'").doesNotContain("window.PUBLIC_URL=\"/\"")
                .contains("src=\"/viewer/consultation/app-config.js\"").doesNotContain("src=\"/app").doesNotContain("href=\"/assets");
        // Any route of the app is the app.
        Response route = RestAssured.get("/viewer/consultation/viewer/dicomweb?StudyInstanceUIDs=1.2.3");
        assertThat(route.statusCode()).isEqualTo(200);
        assertThat(route.asString()).isEqualTo(index);

        String bundle;
        try (Stream<Path> files = Files.list(dist)) {
            bundle = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("app.bundle.") && n.endsWith(".js"))
                    .findFirst().orElseThrow();
        }
        Response js = RestAssured.get("/viewer/consultation/" + bundle);
        assertThat(js.contentType()).startsWith("text/javascript");
        assertThat(js.asString()).contains("__webpack_require__.p = \"/viewer/consultation/\"");
        String css;
        try (Stream<Path> files = Files.list(dist)) {
            css = files.filter(p -> p.toString().endsWith(".css")).filter(p -> {
                try {
                    return Files.readString(p).contains("url(/");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(p -> p.getFileName().toString()).findFirst().orElseThrow();
        }
        assertThat(RestAssured.get("/viewer/consultation/" + css).asString()).contains("url(/viewer/consultation/").doesNotContain("url(/assets");
        Response icon = RestAssured.get("/viewer/teaching/assets/favicon.ico");
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.asByteArray()).isEqualTo(Files.readAllBytes(dist.resolve("assets/favicon.ico")));
        // Nothing outside the package is reachable.
        Response outside = RestAssured.given().urlEncodingEnabled(false).get("/viewer/teaching/%2e%2e/%2e%2e/%2e%2e/pom.xml");
        assertThat(outside.asString()).doesNotContain("<project");
        for (String path : List.of("/viewer/teaching//etc/passwd", "/viewer/teaching/%2f%2fetc%2fpasswd", "/viewer/teaching/..%5c..%5cpom.xml")) {
            Response odd = RestAssured.given().urlEncodingEnabled(false).get(path);
            assertThat(odd.statusCode()).as(path).isLessThan(500);
            assertThat(odd.asString()).as(path).doesNotContain("root:").doesNotContain("<project");
        }
        // A file named as a folder is not the file again (one path, one cached copy of each bundle).
        String chunk;
        try (var files = Files.list(dist)) {
            chunk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".js") && n.contains("bundle")).findFirst().orElseThrow();
        }
        assertThat(RestAssured.get("/viewer/teaching/" + chunk).statusCode()).isEqualTo(200);
        Response slash = RestAssured.get("/viewer/teaching/" + chunk + "/");
        assertThat(slash.statusCode()).isEqualTo(404);
        assertThat(slash.jsonPath().getString("reason")).isNotBlank();
    }

    @Test
    void theConfigurationAsksForThePurposeAndPointsAtVeil() throws Exception {
        String config = RestAssured.get("/viewer/research/app-config.js").asString();
        Path script = Files.createTempFile("veil-app-config", ".js");
        try {
            Files.writeString(script, "global.window = {location: {origin: 'http://127.0.0.1:8080'}};\n" + config
                    + "\nconst c = window.config;\nconsole.log(JSON.stringify({base: c.routerBasename, source: c.defaultDataSourceName,"
                    + " sources: c.dataSources, oidc: c.oidc, modes: (c.modes || []).length, hotkeys: !!c.hotkeys}));\n",
                    StandardCharsets.UTF_8);
            Process node = new ProcessBuilder("node", script.toString()).redirectErrorStream(true).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor()).as(out).isZero();
            JsonNode c = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
            assertThat(c.get("base").asText()).isEqualTo("/viewer/research");
            assertThat(c.get("source").asText()).isEqualTo("veil");
            assertThat(c.get("sources")).hasSize(1);
            JsonNode dicomweb = c.get("sources").get(0).get("configuration");
            assertThat(dicomweb.get("qidoRoot").asText()).isEqualTo("http://127.0.0.1:8080/dicomweb");
            assertThat(dicomweb.get("wadoRoot").asText()).isEqualTo("http://127.0.0.1:8080/dicomweb");
            JsonNode oidc = c.get("oidc").get(0);
            assertThat(oidc.get("authority").asText()).isEqualTo(KeycloakServer.get().issuer());
            assertThat(oidc.get("client_id").asText()).isEqualTo("veil-viewer");
            assertThat(oidc.get("scope").asText()).isEqualTo("openid purpose:research");
            assertThat(oidc.get("response_type").asText()).isEqualTo("code");
            assertThat(oidc.get("redirect_uri").asText()).isEqualTo("/callback"); // under the router base: /viewer/research/callback
            // OHIF routes the sign-out return path without removing its router base, so "/viewer/" would
            // take over the app's own /viewer route (every opened study); this one names no route of OHIF's.
            assertThat(oidc.get("post_logout_redirect_uri").asText()).isEqualTo("http://127.0.0.1:8080/viewer/signed-out");
            assertThat(RestAssured.get("/viewer/signed-out").asString()).contains("href=\"/viewer/research/\"");
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
