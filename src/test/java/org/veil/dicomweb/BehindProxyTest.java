package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;

/**
 * Veil behind an ingress: a reverse proxy on 127.0.0.1 that forwards every request with
 * X-Forwarded-For, -Proto and -Host, as ingress-nginx does, and a client that reaches the proxy
 * from another address (127.0.0.2). With the proxy trusted (the chart's settings), the URLs Veil
 * writes into its answers are the client's (https, the public host), and the audit records the
 * client's address, not the proxy's.
 */
@QuarkusTest
@TestProfile(BehindProxyTest.TrustedProxy.class)
class BehindProxyTest {
    static final String PUBLIC_HOST = "images.hospital.example";
    private static final String STUDY = "1.2.826.0.1.3680043.99.77";

    /** What the chart sets (helm/veil/templates/deployment.yaml), with the test's proxy as the trusted one. */
    public static class TrustedProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.enable-forwarded-host", "true",
                    "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
        }
    }

    @TestHTTPResource("/")
    URI veil;
    private HttpServer proxy;
    private HttpClient upstream;
    private HttpClient client;

    @BeforeEach
    void startProxy() throws Exception {
        new IndexReset().reset();
        upstream = HttpClient.newHttpClient();
        proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        proxy.createContext("/", this::forward);
        proxy.start();
        client = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build();
    }

    @AfterEach
    void stopProxy() {
        proxy.stop(0);
        upstream.close();
        client.close();
    }

    @Test
    void answersNameThePublicUrlAndTheAuditTheClientsAddress() throws Exception {
        byte[] ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, STUDY)
                .set(Tag.SeriesInstanceUID, STUDY + ".1").set(Tag.SOPInstanceUID, STUDY + ".1.1").toBytes();
        HttpResponse<String> stored = client.send(viaProxy("/dicomweb/studies")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(List.of(ct)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        String retrieveUrl = JsonPath.from(stored.body()).getString("'00081199'.Value[0].'00081190'.Value[0]");
        assertThat(retrieveUrl).isEqualTo("https://" + PUBLIC_HOST + "/dicomweb/studies/" + STUDY + "/series/" + STUDY
                + ".1/instances/" + STUDY + ".1.1");

        HttpResponse<String> metadata = client.send(viaProxy("/dicomweb/studies/" + STUDY + "/metadata")
                .header("Accept", "application/dicom+json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        String bulk = JsonPath.from(metadata.body()).getString("[0].'7FE00010'.BulkDataURI");
        assertThat(bulk).startsWith("https://" + PUBLIC_HOST + "/dicomweb/studies/" + STUDY + "/");
        assertThat(metadata.body()).doesNotContain(veil.getHost() + ":" + veil.getPort());

        Response audit = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("auditor", "openid"))
                .queryParam("studyUid", STUDY).get("/api/v1/audit");
        assertThat(audit.statusCode()).as(audit.asString()).isEqualTo(200);
        assertThat(audit.jsonPath().getList("action")).contains("store");
        assertThat(audit.jsonPath().getList("sourceIp")).as("the client's address, not the proxy's").containsOnly("127.0.0.2");
    }

    private HttpRequest.Builder viaProxy(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.getAddress().getPort() + path))
                .header("Authorization", "Bearer " + TestTokens.treatingClinician());
    }

    /** The proxy: the request as received, plus the forwarding headers; the answer as Veil gave it. */
    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpRequest.Builder out = HttpRequest.newBuilder(veil.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()))
                    .header("X-Forwarded-For", exchange.getRemoteAddress().getAddress().getHostAddress())
                    .header("X-Forwarded-Proto", "https")
                    .header("X-Forwarded-Host", PUBLIC_HOST);
            Set<String> hopByHop = Set.of("host", "connection", "content-length", "transfer-encoding", "upgrade", "expect");
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!hopByHop.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> out.header(name, v));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = upstream.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            answer.headers().map().forEach((name, values) -> {
                if (!hopByHop.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(answer.body());
            }
        }
    }
}
