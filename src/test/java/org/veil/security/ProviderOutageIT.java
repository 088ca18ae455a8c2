package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.veil.VeilProcess;

/**
 * Veil started while its identity provider is down: it starts, stays ready for probes, answers
 * 503 (not 500) to every token it cannot check, and trusts tokens once the provider is back,
 * without a restart. The outage is a TCP relay in front of the real Keycloak, closed and then
 * opened.
 */
class ProviderOutageIT {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aProviderDownAtStartIsA503UntilItComesBack() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        URI issuer = URI.create(keycloak.issuer());
        int relayPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            relayPort = probe.getLocalPort();
        }
        String token = TestTokens.treatingClinician();
        try (VeilProcess veil = VeilProcess.started(
                "-Dquarkus.oidc.auth-server-url=http://127.0.0.1:" + relayPort + issuer.getPath(),
                "-Dquarkus.oidc.token.issuer=" + keycloak.issuer())) {
            assertThat(get(veil.base() + "/q/health/ready", null).statusCode()).isEqualTo(200);
            HttpResponse<String> down = get(veil.base() + "/api/v1/me", token);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("Retry-After")).isPresent();
            assertThat(down.body()).contains("identity provider is not reachable");
            assertThat(get(veil.base() + "/api/v1/me", null).statusCode()).as("no token is still 401").isEqualTo(401);

            try (Relay relay = new Relay(relayPort, issuer.getPort())) {
                HttpResponse<String> back = get(veil.base() + "/api/v1/me", token);
                assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
                assertThat(back.body()).contains("\"username\":\"clinician\"");
            }
            assertThat(veil.log()).doesNotContain(token.split("\\.")[1]);
        }
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Forwards every connection on 127.0.0.1:from to 127.0.0.1:to, until closed. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server;

        Relay(int from, int to) throws IOException {
            server = new ServerSocket(from, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket(InetAddress.getLoopbackAddress(), to);
                        Thread.ofVirtual().start(() -> pump(in, out));
                        Thread.ofVirtual().start(() -> pump(out, in));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the other side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
