package org.veil.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The real Keycloak for the tests: the distribution Maven unpacked into target/keycloak, started
 * once per JVM in dev mode on 127.0.0.1 with an in-memory database and Veil's realm imported,
 * stopped when the JVM exits. Quarkus loads test resources and tests through different class
 * loaders, so a running server is found again through system properties, not only the static.
 *
 * <p>Clients only the tests need (short-lived tokens, no audience, an IUA claim) are added
 * through the admin API, so that the realm file stays the demo realm.
 */
public final class KeycloakServer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PORT_PROPERTY = "veil.keycloak.test.port";
    private static final String ADMIN_PROPERTY = "veil.keycloak.test.admin-password";
    private static KeycloakServer instance;

    private final int port;
    private final String adminPassword;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private KeycloakServer(int port, String adminPassword) {
        this.port = port;
        this.adminPassword = adminPassword;
    }

    public static synchronized KeycloakServer get() throws Exception {
        if (instance == null) {
            String port = System.getProperty(PORT_PROPERTY);
            instance = port != null ? new KeycloakServer(Integer.parseInt(port), System.getProperty(ADMIN_PROPERTY)) : start();
        }
        return instance;
    }

    private static KeycloakServer start() throws Exception {
        Path home = Path.of(System.getProperty("veil.keycloak.home"));
        Path realm = Path.of(System.getProperty("veil.keycloak.realm"));
        Files.createDirectories(home.resolve("data/import"));
        Files.copy(realm, home.resolve("data/import/veil-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        int port = freePort();
        int management = freePort();
        String adminPassword = UUID.randomUUID().toString();
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + management,
                "--hostname-strict=false", "--db=dev-mem", "--import-realm", "--health-enabled=true");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        pb.redirectErrorStream(true).redirectOutput(home.resolve("keycloak-test.log").toFile());
        Process process = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "keycloak-stop"));
        KeycloakServer server = new KeycloakServer(port, adminPassword);
        server.awaitReady(process, management);
        System.setProperty(PORT_PROPERTY, Integer.toString(port));
        System.setProperty(ADMIN_PROPERTY, adminPassword);
        return server;
    }

    /** kc.sh runs Java as its child: stop the child as well, or it outlives the tests. */
    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** The realm's issuer, which is also what Veil's quarkus.oidc.auth-server-url names. */
    public String issuer() {
        return "http://127.0.0.1:" + port + "/realms/veil";
    }

    /** A password grant through the demo client veil-cli; the raw token response. */
    public HttpResponse<String> passwordGrant(String user, String password, String scope) throws Exception {
        return passwordGrant("veil-cli", user, password, scope);
    }

    public HttpResponse<String> passwordGrant(String clientId, String user, String password, String scope) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", user);
        form.put("password", password);
        form.put("scope", scope);
        return post(issuer() + "/protocol/openid-connect/token", form);
    }

    /** An access token for a demo user (password = user name) with the given scopes. */
    public String accessToken(String user, String scope) throws Exception {
        return accessToken("veil-cli", user, scope);
    }

    /** An access token for a demo user through any client of the realm. */
    public String accessToken(String clientId, String user, String scope) throws Exception {
        HttpResponse<String> r = passwordGrant(clientId, user, user, scope);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a token through " + clientId + ": " + r.statusCode());
        }
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    /** A token of the master realm's administrator: valid, but from an issuer Veil does not trust. */
    public String adminToken() throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", "admin-cli");
        form.put("username", "admin");
        form.put("password", adminPassword);
        HttpResponse<String> r = post("http://127.0.0.1:" + port + "/realms/master/protocol/openid-connect/token", form);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused the admin token: " + r.statusCode());
        }
        return JSON.readTree(r.body()).get("access_token").asText();
    }

    /**
     * A hardcoded-claim mapper that puts an IHE IUA purpose of use Coding in
     * {@code extensions.ihe_iua.purpose_of_use}, for {@link #ensureTestClient}.
     */
    public static String iuaPurposeMapper(String name, String system, String code) {
        return """
                {"name":"%s","protocol":"openid-connect","protocolMapper":"oidc-hardcoded-claim-mapper",
                 "config":{"claim.name":"extensions.ihe_iua.purpose_of_use",
                           "claim.value":"{\\"system\\":\\"%s\\",\\"code\\":\\"%s\\"}",
                           "jsonType.label":"JSON","access.token.claim":"true","id.token.claim":"false",
                           "introspection.token.claim":"true"}}
                """.formatted(name, system, code);
    }

    /**
     * A public test client with direct grants, created once. {@code audience} adds Veil's
     * audience scope; {@code tokenSeconds > 0} shortens its tokens' life; {@code mappers} are
     * protocol mappers as JSON objects.
     */
    public synchronized void ensureTestClient(String clientId, boolean audience, int tokenSeconds, String... mappers) throws Exception {
        String admin = adminToken();
        String clients = "http://127.0.0.1:" + port + "/admin/realms/veil/clients";
        HttpResponse<String> existing = http.send(HttpRequest.newBuilder(URI.create(clients + "?clientId=" + clientId))
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        if (JSON.readTree(existing.body()).size() > 0) {
            return;
        }
        String body = """
                {"clientId":"%s","enabled":true,"publicClient":true,"standardFlowEnabled":false,
                 "directAccessGrantsEnabled":true,"protocol":"openid-connect",
                 "attributes":{%s},
                 "defaultClientScopes":["basic","profile","roles","groups","organisation"%s],
                 "optionalClientScopes":["purpose:treatment","purpose:consultation","purpose:teaching",
                                         "purpose:research","purpose:publication"],
                 "protocolMappers":[%s]}
                """.formatted(clientId, tokenSeconds > 0 ? "\"access.token.lifespan\":\"" + tokenSeconds + "\"" : "",
                audience ? ",\"veil-audience\"" : "", String.join(",", mappers));
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(clients))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("Keycloak refused the test client " + clientId + ": " + created.statusCode() + " " + created.body());
        }
    }

    /**
     * Lets the viewer client log users in to a Veil at another origin than the demo's (the tests'
     * Veil listens on a free port): its redirect, post-logout and web-origin lists gain that origin.
     */
    public synchronized void allowViewerAt(String origin) throws Exception {
        String admin = adminToken();
        String clients = "http://127.0.0.1:" + port + "/admin/realms/veil/clients";
        JsonNode found = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(clients + "?clientId=veil-viewer"))
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString()).body());
        ObjectNode client = (ObjectNode) found.get(0);
        String viewer = origin + "/viewer/*";
        if (client.get("redirectUris").toString().contains(viewer)) {
            return;
        }
        client.withArray("redirectUris").add(viewer);
        client.withArray("webOrigins").add(origin);
        ObjectNode attributes = (ObjectNode) client.get("attributes");
        attributes.put("post.logout.redirect.uris", attributes.get("post.logout.redirect.uris").asText() + "##" + viewer);
        HttpResponse<String> updated = http.send(HttpRequest.newBuilder(URI.create(clients + "/" + client.get("id").asText()))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(client.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (updated.statusCode() != 204) {
            throw new IllegalStateException("Keycloak refused to update veil-viewer: " + updated.statusCode() + " " + updated.body());
        }
    }

    /**
     * A public client with direct grants and nothing else said about it: it gets the realm's
     * default scopes, as a client another team adds to the realm would. Created once.
     */
    public synchronized void ensureClientWithRealmDefaults(String clientId) throws Exception {
        String clients = "http://127.0.0.1:" + port + "/admin/realms/veil/clients";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(clients))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"clientId":"%s","enabled":true,"publicClient":true,"standardFlowEnabled":false,
                         "directAccessGrantsEnabled":true,"protocol":"openid-connect"}""".formatted(clientId))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("Keycloak refused the client " + clientId + ": " + created.statusCode() + " " + created.body());
        }
    }

    /** Creates a realm user with these realm roles and password = user name; returns its id. */
    public String createUser(String username, String... realmRoles) throws Exception {
        String admin = adminToken();
        String users = "http://127.0.0.1:" + port + "/admin/realms/veil/users";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(users))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"username":"%s","enabled":true,"emailVerified":true,"firstName":"Test","lastName":"User",
                         "email":"%s@veil.example","credentials":[{"type":"password","value":"%s","temporary":false}]}"""
                        .formatted(username, username, username))).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Keycloak refused the user: " + created.statusCode() + " " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        List<String> roles = new java.util.ArrayList<>();
        for (String realmRole : realmRoles) {
            roles.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/realms/veil/roles/" + realmRole))
                    .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        HttpResponse<String> mapped = http.send(HttpRequest.newBuilder(URI.create(users + "/" + id + "/role-mappings/realm"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", roles) + "]")).build(), HttpResponse.BodyHandlers.ofString());
        if (mapped.statusCode() != 204) {
            throw new IllegalStateException("Keycloak refused the role mapping: " + mapped.statusCode());
        }
        return id;
    }

    public void deleteUser(String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/realms/veil/users/" + id))
                .header("Authorization", "Bearer " + adminToken()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204) {
            throw new IllegalStateException("Keycloak refused to delete the user: " + r.statusCode());
        }
    }

    /**
     * Adds an RS256 key to Veil's realm that outranks its own, so that tokens issued from now on
     * are signed with it; returns the key provider's component id, for {@link #withdrawSigningKey}.
     */
    public String addSigningKey(String name) throws Exception {
        String admin = adminToken();
        String realmId = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/realms/veil"))
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString()).body()).get("id").asText();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/realms/veil/components"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"name":"%s","providerId":"rsa-generated","providerType":"org.keycloak.keys.KeyProvider","parentId":"%s",
                         "config":{"priority":["1000000"],"enabled":["true"],"active":["true"],"algorithm":["RS256"],"keySize":["2048"]}}"""
                        .formatted(name, realmId))).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Keycloak refused the signing key: " + created.statusCode() + " " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Removes a key {@link #addSigningKey} added: the realm no longer publishes it, and signs with its own key again. */
    public void withdrawSigningKey(String componentId) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/realms/veil/components/" + componentId))
                .header("Authorization", "Bearer " + adminToken()).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204 && r.statusCode() != 404) {
            throw new IllegalStateException("Keycloak refused to remove the signing key: " + r.statusCode());
        }
    }

    /** The key ids the realm publishes now (its JWK Set, RFC 7517). */
    public java.util.Set<String> publishedKeyIds() throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode key : JSON.readTree(get(issuer() + "/protocol/openid-connect/certs").body()).path("keys")) {
            ids.add(key.path("kid").asText());
        }
        return ids;
    }

    /** The key id a JWT's header names. */
    public static String keyId(String jwt) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0])).path("kid").asText();
    }

    public HttpResponse<String> post(String url, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The claims of a JWT, without checking its signature (the tests check what Keycloak issued). */
    public static JsonNode claims(String jwt) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private void awaitReady(Process process, int management) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                stop(process);
                throw new IllegalStateException("Keycloak exited; see target/keycloak/*/keycloak-test.log");
            }
            try {
                // Ready, and the realm served on the HTTP port: once a token request found no realm (404)
                // right after the management port said ready.
                if (get("http://127.0.0.1:" + management + "/health/ready").statusCode() == 200
                        && get(issuer() + "/.well-known/openid-configuration").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Keycloak did not become ready in 180 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
