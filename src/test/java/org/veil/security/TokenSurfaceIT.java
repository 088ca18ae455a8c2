package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veil.VeilProcess;

/**
 * The packaged server's unauthenticated surface and its log. Only health (main port) and metrics
 * (management port) answer without a token; OpenAPI and unknown paths want one. After a run of
 * valid, broken and foreign tokens, with debug logging switched on for OIDC, security and HTTP,
 * the log holds no piece of any token and neither the client secret nor the de-identification secret.
 */
class TokenSurfaceIT {
    private static final String SECRET = "veil-it-secret-" + System.nanoTime();
    private static final String DEID_SECRET = "veil-it-deid-secret-" + System.nanoTime();
    private static VeilProcess veil;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        // An operator turning on debug logging: the build-time cap must still keep tokens out.
        veil = VeilProcess.started("-Dquarkus.log.category.\"io.quarkus.oidc\".level=DEBUG",
                "-Dquarkus.log.category.\"io.quarkus.security\".level=DEBUG",
                "-Dquarkus.log.category.\"io.quarkus.vertx.http\".level=DEBUG",
                "-Dquarkus.log.category.\"org.veil\".level=DEBUG",
                "-Dquarkus.oidc.credentials.secret=" + SECRET, "-Dveil.deid.secret=" + DEID_SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        veil.close();
    }

    @Test
    void onlyHealthMetricsAndTheViewerAnswerWithoutAToken() throws Exception {
        assertThat(status(veil.base() + "/q/health/ready", null)).isEqualTo(200);
        // The viewer's own files (make test provides them); it then calls DICOMweb with a token.
        assertThat(status(veil.base() + "/viewer/", null)).isEqualTo(200);
        assertThat(status(veil.base() + "/viewer/consultation/", null)).isEqualTo(200);
        assertThat(status(veil.base() + "/q/health/live", null)).isEqualTo(200);
        assertThat(status(veil.managementBase() + "/q/metrics", null)).isEqualTo(200);
        for (String path : List.of("/q/metrics", "/q/openapi", "/dicomweb/studies", "/api/v1/me", "/", "/nothing/here")) {
            assertThat(status(veil.base() + path, null)).as(path).isEqualTo(401);
        }
        String token = TestTokens.treatingClinician();
        assertThat(status(veil.base() + "/q/openapi", token)).isEqualTo(200);
    }

    /**
     * Refused requests name no study in the metrics (a Prometheus scrape copies them out of the
     * pod), and every answer carries the browser hardening headers.
     */
    @Test
    void metricsNameRoutesNotUidsAndAnswersCarryTheHardeningHeaders() throws Exception {
        String uid = "2.25.777" + System.nanoTime();
        for (String path : List.of("/dicomweb/studies/" + uid + "/metadata", "/dicomweb/studies/" + uid + "/series/" + uid + ".1/instances/"
                + uid + ".1.1/frames/1", "/dicomweb/studies/" + uid, "/api/v1/studies/" + uid + "/consents", "/fhir/r4/Consent/" + uid)) {
            assertThat(status(veil.base() + path, null)).as(path).isEqualTo(401);
            assertThat(status(veil.base() + path, TestTokens.treatingClinician())).as(path).isIn(200, 204, 400, 404, 406);
        }
        String metrics = http.send(HttpRequest.newBuilder(URI.create(veil.managementBase() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("http_server_requests").doesNotContain(uid);
        HttpResponse<Void> viewer = http.send(HttpRequest.newBuilder(URI.create(veil.base() + "/viewer/")).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> refused = http.send(HttpRequest.newBuilder(URI.create(veil.base() + "/dicomweb/studies")).build(),
                HttpResponse.BodyHandlers.discarding());
        for (HttpResponse<Void> r : List.of(viewer, refused)) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(r.uri().getPath()).hasValue("nosniff");
            // The viewer's pages carry a fuller policy (ViewerCsp), which keeps frame-ancestors.
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(r.uri().getPath()).hasValueSatisfying(
                    policy -> assertThat(policy).contains("frame-ancestors 'self'"));
            assertThat(r.headers().firstValue("Referrer-Policy")).as(r.uri().getPath()).hasValue("no-referrer");
        }
    }

    @Test
    void tokensAndSecretsNeverReachTheLog() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        List<String> tokens = new ArrayList<>();
        tokens.add(keycloak.accessToken("clinician", "openid purpose:treatment"));
        tokens.add(keycloak.accessToken("consultant", "openid purpose:treatment"));
        tokens.add(keycloak.accessToken("researcher", "openid purpose:research purpose:teaching"));
        tokens.add(keycloak.adminToken());
        String good = tokens.get(0);
        String[] parts = good.split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 4) + "AAAA." + parts[2];
        tokens.add(tampered);
        tokens.add("not-a-jwt-" + System.nanoTime());
        for (String t : tokens) {
            for (String path : List.of("/dicomweb/studies", "/api/v1/me", "/q/openapi")) {
                status(veil.base() + path, t);
            }
        }
        String log = veil.log();
        assertThat(log).contains("started in");
        assertThat(log).doesNotContain(SECRET).doesNotContain(DEID_SECRET);
        assertThat(log).as("the de-identification key is announced by its version only").contains("key version");
        for (String t : tokens) {
            for (String piece : t.split("\\.")) {
                if (piece.length() >= 16) {
                    assertThat(log).doesNotContain(piece);
                }
            }
        }
        assertThat(log).doesNotContainIgnoringCase("bearer ey");
        assertThat(log).doesNotContain(java.util.Base64.getEncoder().encodeToString(("veil-server:" + SECRET).getBytes()));
    }

    private int status(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
