package org.veil.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Identities quarkus-oidc has already verified, by the SHA-256 of the exact token that was
 * verified, so that a client sending the same token again is not verified again from the start
 * (the signature, and the token's claims parsed five times over: a fifth to a third of a search's
 * CPU, docs/benchmarks.md).
 *
 * <p>Why this answers as the full check would. Veil checks tokens locally against the issuer's
 * keys (RFC 7519 section 7.2), with no introspection: a token cannot be revoked before it expires,
 * and the same bytes verified against the same keys give the same answer every time, except for
 * the checks that depend on the clock. So an entry is only ever the identity made from these exact
 * bytes, and it is used only while the token's {@code exp} is ahead of the wall clock, and for at
 * most {@code veil.security.verified-tokens.ttl} (60 s); {@link VerifiedTokenMechanism} does not use
 * an entry whose signing key the provider no longer publishes ({@link SigningKeys}). A token that failed is never
 * kept: it is checked again each time. Where quarkus-oidc is configured to check more than the
 * token's bytes (see {@link #whyEveryTokenIsChecked}), nothing is kept. docs/security.md,
 * "Verified tokens".
 */
@ApplicationScoped
public class VerifiedTokens {
    /** The identity attribute that holds the caller Veil read from the token, once per entry. */
    static final String CALLER_MEMO = VerifiedTokens.class.getName() + ".caller";
    /** What an entry is counted as beyond its token: the identity, the parsed claims' structure. */
    static final int ENTRY_OVERHEAD_BYTES = 4096;
    private static final Logger LOG = Logger.getLogger(VerifiedTokens.class);

    private record Entry(SecurityIdentity identity, long expiresAtEpochSecond, int weight) {
    }

    private final Cache<String, Entry> entries;
    private final Clock clock;
    private final boolean enabled;

    @Inject
    public VerifiedTokens(SecurityConfig config, Config settings, Instance<io.quarkus.oidc.TenantResolver> tenantResolvers,
            Instance<io.quarkus.oidc.TenantConfigResolver> tenantConfigResolvers) {
        this(enabledUnless(config.verifiedTokens().ttl(), whyEveryTokenIsChecked(name -> settings.getOptionalValue(name, String.class),
                settings.getPropertyNames(), !tenantResolvers.isUnsatisfied() || !tenantConfigResolvers.isUnsatisfied())),
                config.verifiedTokens().maxBytes(), Ticker.systemTicker(), Clock.systemUTC());
    }

    public VerifiedTokens(Duration ttl, long maxBytes, Ticker ticker, Clock clock) {
        this.enabled = ttl.isPositive() && maxBytes > 0;
        this.clock = clock;
        long ttlSeconds = enabled ? Math.max(1, ttl.toSeconds()) : 0;
        this.entries = Caffeine.newBuilder().maximumWeight(Math.max(maxBytes, 0)).weigher((String key, Entry e) -> e.weight())
                .ticker(ticker).recordStats()
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long now) {
                        long left = entry.expiresAtEpochSecond() - clock.instant().getEpochSecond();
                        return Duration.ofSeconds(Math.max(0, Math.min(ttlSeconds, left))).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry entry, long now, long currentDuration) {
                        return expireAfterCreate(key, entry, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry entry, long now, long currentDuration) {
                        return currentDuration;
                    }
                }).build();
    }

    /**
     * Why quarkus-oidc's configuration makes the answer depend on more than the token's bytes, so
     * that nothing may be kept; empty when it does not. Each of these is read from the request or
     * asked of the provider on every request by quarkus-oidc, and would be skipped by a kept
     * identity.
     */
    static Optional<String> whyEveryTokenIsChecked(java.util.function.Function<String, Optional<String>> property,
            Iterable<String> propertyNames, boolean tenantResolver) {
        if (property.apply("quarkus.oidc.token.binding.certificate").filter(Boolean::parseBoolean).isPresent()) {
            return Optional.of("tokens are bound to the client's certificate (RFC 8705)");
        }
        if (!property.apply("quarkus.oidc.token.authorization-scheme").orElse("Bearer").equalsIgnoreCase("Bearer")) {
            return Optional.of("tokens are read with another authorization scheme than Bearer");
        }
        if (property.apply("quarkus.oidc.token.header").isPresent()) {
            return Optional.of("tokens are read from another header than Authorization");
        }
        if (property.apply("quarkus.oidc.token.age").isPresent()) {
            return Optional.of("a maximum token age is checked");
        }
        if (property.apply("quarkus.oidc.token.require-jwt-introspection-only").filter(Boolean::parseBoolean).isPresent()
                || property.apply("quarkus.oidc.token.verify-access-token-with-user-info").filter(Boolean::parseBoolean).isPresent()
                || property.apply("quarkus.oidc.authentication.user-info-required").filter(Boolean::parseBoolean).isPresent()) {
            return Optional.of("every token is checked with the provider (introspection or UserInfo)");
        }
        if (tenantResolver) {
            return Optional.of("the OIDC tenant is resolved per request");
        }
        for (String name : propertyNames) {
            // The default tenant's settings are quarkus.oidc.<setting>; a named tenant's are
            // quarkus.oidc.<tenant>.<setting>, and a tenant needs a provider to be one.
            if (name.matches("quarkus\\.oidc\\.(\"[^\"]+\"|[^.]+)\\.(auth-server-url|tenant-id|tenant-enabled)")
                    || name.matches("QUARKUS_OIDC_.+_(AUTH_SERVER_URL|TENANT_ID|TENANT_ENABLED)")) {
                return Optional.of("more than one OIDC tenant is configured");
            }
        }
        return Optional.empty();
    }

    private static Duration enabledUnless(Duration ttl, Optional<String> reason) {
        if (reason.isPresent() && ttl.isPositive()) {
            LOG.infof("verified tokens are not kept: %s, so every request's token is checked in full", reason.get());
            return Duration.ZERO;
        }
        return ttl;
    }

    /**
     * The identity verified earlier for exactly this token, made again for this request, or empty
     * when the token has not been verified in the last TTL or has expired since.
     */
    public Optional<SecurityIdentity> find(String token, RoutingContext request) {
        if (!enabled) {
            return Optional.empty();
        }
        String key = key(token);
        Entry entry = entries.getIfPresent(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (clock.instant().getEpochSecond() >= entry.expiresAtEpochSecond()) {
            // RFC 7519 section 4.1.4: on or after exp the token must not be accepted.
            entries.invalidate(key);
            return Optional.empty();
        }
        return Optional.of(forRequest(entry.identity(), request));
    }

    /**
     * Keeps an identity quarkus-oidc has just verified for the token it was made from, and answers
     * the identity for this request with the caller memo attached. Anything but a JWT identity
     * with an expiry is not kept.
     */
    public SecurityIdentity remember(String presentedToken, SecurityIdentity identity) {
        if (!enabled || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                || !presentedToken.equals(jwt.getRawToken()) || jwt.getExpirationTime() <= 0) {
            return identity;
        }
        SecurityIdentity kept = detached(identity);
        int weight = (int) Math.min(Integer.MAX_VALUE, 4L * presentedToken.length() + ENTRY_OVERHEAD_BYTES);
        entries.put(key(presentedToken), new Entry(kept, jwt.getExpirationTime(), weight));
        return forRequest(kept, identity.getAttribute(RoutingContext.class.getName()));
    }

    /**
     * A copy with nothing of the request that verified it: no routing context (its headers and
     * query, which may name a patient) and no blocking-call helper, and no permission check
     * calling back into the original identity, as {@code QuarkusSecurityIdentity.builder(identity)}
     * would add.
     */
    private static SecurityIdentity detached(SecurityIdentity identity) {
        Map<String, Object> attributes = new HashMap<>(identity.getAttributes());
        attributes.remove(RoutingContext.class.getName());
        attributes.remove(AuthenticationRequestContext.class.getName());
        attributes.put(CALLER_MEMO, new CallerMemo());
        return copy(identity, attributes);
    }

    /** A kept identity with this request's routing context, as quarkus-oidc gives each identity its own. */
    private static SecurityIdentity forRequest(SecurityIdentity kept, RoutingContext request) {
        Map<String, Object> attributes = new HashMap<>(kept.getAttributes());
        if (request != null) {
            attributes.put(RoutingContext.class.getName(), request);
        }
        return copy(kept, attributes);
    }

    private static SecurityIdentity copy(SecurityIdentity identity, Map<String, Object> attributes) {
        return QuarkusSecurityIdentity.builder().setPrincipal(identity.getPrincipal()).addRoles(identity.getRoles())
                .addCredentials(identity.getCredentials()).addPermissions(identity.getPermissions()).addAttributes(attributes).build();
    }

    /** How many lookups found a verified identity, since start. */
    public long hits() {
        return entries.stats().hitCount();
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /** The identity kept for this token, as kept (for tests: what an entry holds). */
    Optional<SecurityIdentity> kept(String token) {
        return Optional.ofNullable(entries.asMap().get(key(token))).map(Entry::identity);
    }

    private static String key(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * The bearer token a request carries, or null when it carries none or several
     * {@code Authorization} headers (those are left to quarkus-oidc alone).
     */
    static String presentedToken(RoutingContext request) {
        java.util.List<String> headers = request.request().headers().getAll("Authorization");
        return headers.size() == 1 ? bearerToken(headers.get(0)) : null;
    }

    /**
     * The token of an {@code Authorization} header as quarkus-oidc reads it: everything after the
     * first space, unchanged, when the scheme before it is Bearer (RFC 6750 section 2.1); null
     * otherwise.
     */
    static String bearerToken(String authorization) {
        int space = authorization == null ? -1 : authorization.indexOf(' ');
        if (space <= 0 || !authorization.substring(0, space).equalsIgnoreCase("Bearer")) {
            return null;
        }
        String token = authorization.substring(space + 1);
        return token.isEmpty() ? null : token;
    }
}
