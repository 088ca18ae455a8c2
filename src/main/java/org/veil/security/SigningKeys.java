package org.veil.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.oidc.runtime.TenantConfigBean;
import io.quarkus.oidc.runtime.OidcUtils;
import io.quarkus.oidc.runtime.TenantConfigContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The key ids of the signing keys the identity provider still publishes, so that a token signed
 * with a key the provider has withdrawn is refused within a bounded time.
 *
 * <p>Why Veil keeps this beside quarkus-oidc: quarkus-oidc fetches the provider's key set
 * (RFC 7517) at start-up and again only when a token names a key id it has not seen. A key
 * withdrawn because it leaked names an id it has seen, so the replica went on trusting it until
 * it restarted. Veil fetches the set again every {@code veil.security.signing-keys.refresh} (60 s)
 * and admits a token quarkus-oidc has verified only while its header's {@code kid} (RFC 7515
 * section 4.1.4) is in the set last fetched.
 *
 * <ul>
 * <li>A {@code kid} not in the set may be a key just added (a rotation): the set is fetched again
 * at once, and the token is admitted if it is there. Such fetches happen at most once every
 * {@link #MISS_INTERVAL}; the timer's do not count, so a key added just after the timer's fetch is
 * taken at once.</li>
 * <li>A token whose header names no key is refused once a set is known: every key Keycloak
 * publishes has an id, and a token that names none cannot be held to the set.</li>
 * <li>When the set cannot be fetched (the provider is down), the last set fetched stands: an
 * outage does not lock every reader out, and no withdrawal can be learnt during one anyway.
 * Before any set has been fetched, quarkus-oidc's verification stands alone.</li>
 * </ul>
 * Only tokens quarkus-oidc has verified reach {@link #admits}, so a forged token cannot make Veil
 * fetch anything. docs/security.md, "Withdrawn signing keys".
 */
@ApplicationScoped
public class SigningKeys {
    /** The least time between two fetches a key id missing from the set starts. */
    static final Duration MISS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    /** A key set is a few kilobytes; more is not one. */
    private static final int MAX_KEY_SET_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final Duration refresh;
    private final Supplier<Uni<Set<String>>> fetch;
    private final LongSupplier nanoTime;
    private final String defaultTenant;
    private volatile Set<String> published;
    /** When a key id missing from the set last made Veil fetch it (the timer's fetches do not count). */
    private long lastMissNanos;
    /** The fetch running, if any, and when it began. */
    private Uni<Void> inFlight;
    private long inFlightSince;
    private long timer = -1;

    @Inject
    Vertx vertx;

    @Inject
    public SigningKeys(SecurityConfig config, TenantConfigBean tenants) {
        this(config.signingKeys().refresh(), () -> fromProvider(tenants), System::nanoTime,
                tenants.getDefaultTenant().oidcConfig().tenantId().orElse(OidcUtils.DEFAULT_TENANT_ID));
    }

    SigningKeys(Duration refresh, Supplier<Uni<Set<String>>> fetch, LongSupplier nanoTime, String defaultTenant) {
        this.refresh = refresh;
        this.fetch = fetch;
        this.nanoTime = nanoTime;
        this.defaultTenant = defaultTenant;
        this.lastMissNanos = nanoTime.getAsLong() - MISS_INTERVAL.toNanos(); // the first miss fetches
    }

    void start(@Observes StartupEvent event) {
        if (refresh.isPositive()) {
            timer = vertx.setPeriodic(Math.max(1, refresh.toMillis()), id -> fetchNow().done().subscribe().with(done -> {
            }, failure -> {
            }));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Whether this identity's token is held to the set: the check is on, and the identity is of
     * the default tenant, whose provider the set is fetched from (another tenant's keys are not in
     * it; Veil itself configures one).
     */
    public boolean checks(SecurityIdentity identity) {
        Object tenant = identity.getAttribute(OidcUtils.TENANT_ID_ATTRIBUTE);
        return refresh.isPositive() && (tenant == null || tenant.equals(defaultTenant));
    }

    /**
     * Whether a token quarkus-oidc has just verified may make a caller: its key is still
     * published, fetching the set again first when the key is not in it. The answer comes on the
     * caller's Vert.x context, whichever request's fetch it joined.
     */
    public Uni<Boolean> admits(String token) {
        if (!refresh.isPositive() || !signed(token)) {
            return Uni.createFrom().item(true);
        }
        String kid = keyId(token);
        if (published != null && inSet(kid)) {
            return Uni.createFrom().item(true);
        }
        long now = nanoTime.getAsLong();
        synchronized (this) {
            if (now - lastMissNanos < MISS_INTERVAL.toNanos()) {
                return Uni.createFrom().item(inSet(kid));
            }
            lastMissNanos = now;
        }
        Fetch joined = fetchNow();
        Uni<Boolean> answer = joined.done().flatMap(done -> inSet(kid) || joined.since() - now >= 0
                // The fetch joined began before this miss: the key may have been added after it began.
                ? Uni.createFrom().item(inSet(kid)) : fetchNow().done().map(again -> inSet(kid)));
        io.vertx.core.Context caller = Vertx.currentContext();
        return caller == null ? answer : answer.emitOn(command -> caller.runOnContext(v -> command.run()));
    }

    /**
     * Whether an identity kept for this token may still be used, from the set as last fetched
     * (no fetch: a kept token whose key is gone is checked in full, and {@link #admits} decides).
     */
    public boolean keyStillPublished(String token) {
        return !refresh.isPositive() || !signed(token) || inSet(keyId(token));
    }

    /**
     * A compact JWS (three parts). An encrypted token (JWE, five parts) names Veil's decryption
     * key in its header, not the provider's signing key, and is not held to the set.
     */
    private static boolean signed(String token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') {
                dots++;
            }
        }
        return dots == 2;
    }

    /** The key is in the set last fetched, or no set has been fetched yet. */
    private boolean inSet(String kid) {
        Set<String> known = published;
        return known == null || (kid != null && known.contains(kid));
    }

    /** A fetch of the set, and when it began. */
    record Fetch(Uni<Void> done, long since) {
    }

    /**
     * Fetches the set now, or joins the fetch already running; never fails, and ends within
     * {@link #FETCH_TIMEOUT} (the web client's own timeout is an idle one: a key set arriving a
     * byte at a time would hold every later fetch).
     */
    synchronized Fetch fetchNow() {
        if (inFlight != null) {
            return new Fetch(inFlight, inFlightSince);
        }
        Uni<Void> running = Uni.createFrom().<Set<String>>deferred(() -> fetch.get())
                .ifNoItem().after(FETCH_TIMEOUT).fail()
                .onItem().invoke(kids -> published = Set.copyOf(kids))
                .onFailure().invoke(e -> LOG.warnf("the identity provider's signing keys could not be fetched (%s); the set fetched before stands",
                        e.getClass().getSimpleName()))
                .onFailure().recoverWithNull().replaceWithVoid()
                .eventually(this::fetched)
                .memoize().indefinitely();
        inFlight = running;
        inFlightSince = nanoTime.getAsLong();
        return new Fetch(running, inFlightSince);
    }

    private synchronized void fetched() {
        inFlight = null;
    }

    /** The key id in a compact JWS header (RFC 7515 section 7.1), or null when it names none or cannot be read. */
    static String keyId(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(token.substring(0, dot)));
            JsonNode kid = header == null ? null : header.get("kid");
            return kid != null && kid.isTextual() ? kid.asText() : null;
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }

    /** The key ids of a JWK Set document (RFC 7517 section 5). */
    static Set<String> keyIds(String jwkSet) throws IOException {
        JsonNode keys = JSON.readTree(jwkSet).path("keys");
        if (!keys.isArray()) {
            throw new IOException("the key set has no keys array");
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode key : keys) {
            if (key.path("kid").isTextual()) {
                ids.add(key.path("kid").asText());
            }
        }
        return ids;
    }

    /**
     * The default tenant's key set, through quarkus-oidc's own web client (its TLS and proxy
     * settings) from the {@code jwks_uri} its discovery found.
     */
    private static Uni<Set<String>> fromProvider(TenantConfigBean tenants) {
        TenantConfigContext tenant = tenants.getDefaultTenant();
        if (tenant == null || !tenant.ready() || tenant.getOidcMetadata() == null
                || tenant.getOidcMetadata().getJsonWebKeySetUri() == null) {
            return Uni.createFrom().failure(new IllegalStateException("the provider's discovery has not been read yet"));
        }
        return tenant.getOidcProviderClient().getWebClient().getAbs(tenant.getOidcMetadata().getJsonWebKeySetUri())
                .timeout(FETCH_TIMEOUT.toMillis()).send()
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("the key set answered " + response.statusCode());
                    }
                    if (response.body() == null || response.body().length() > MAX_KEY_SET_BYTES) {
                        throw new IllegalStateException("the key set is empty or larger than " + MAX_KEY_SET_BYTES + " bytes");
                    }
                    try {
                        return keyIds(response.bodyAsString(StandardCharsets.UTF_8.name()));
                    } catch (IOException e) {
                        throw new IllegalStateException("the key set is not a JWK Set", e);
                    }
                });
    }
}
