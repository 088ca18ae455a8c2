package org.veil.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Identities quarkus-oidc has already verified, by the SHA-256 of the exact token that was
 * verified, so that a client sending the same token again is not verified again from the start
 * (the signature, and the token's claims parsed five times over: a fifth of a search's CPU,
 * docs/benchmarks.md).
 *
 * <p>Why this answers as the full check would. Veil checks tokens locally against the issuer's
 * keys (RFC 7519 section 7.2), with no introspection: a token cannot be revoked before it expires,
 * and the same bytes verified against the same keys give the same answer every time, except for
 * the checks that depend on the clock. So an entry is only ever the identity made from these exact
 * bytes, and it is used only while the token's {@code exp} is ahead of the wall clock, and for at
 * most {@code veil.security.verified-tokens.ttl} (60 s), which bounds how long a signing key the
 * provider has withdrawn still counts for a token already seen. A token that failed is never
 * kept: it is checked again each time. docs/security.md, "Verified tokens".
 */
@ApplicationScoped
public class VerifiedTokens {
    /** The identity attribute that holds the caller Veil read from the token, once per entry. */
    static final String CALLER_MEMO = VerifiedTokens.class.getName() + ".caller";

    private record Entry(SecurityIdentity identity, long expiresAtEpochSecond) {
    }

    private final Cache<String, Entry> entries;
    private final Clock clock;
    private final boolean enabled;

    @Inject
    public VerifiedTokens(SecurityConfig config) {
        this(config.verifiedTokens().ttl(), config.verifiedTokens().maxEntries(), Ticker.systemTicker(), Clock.systemUTC());
    }

    public VerifiedTokens(Duration ttl, long maxEntries, Ticker ticker, Clock clock) {
        this.enabled = !ttl.isZero() && !ttl.isNegative() && maxEntries > 0;
        this.clock = clock;
        long ttlNanos = enabled ? ttl.toNanos() : 0;
        this.entries = Caffeine.newBuilder().maximumSize(Math.max(maxEntries, 0)).ticker(ticker).recordStats()
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long now) {
                        long untilExpiry = (entry.expiresAtEpochSecond() - clock.instant().getEpochSecond()) * 1_000_000_000L;
                        return Math.max(0, Math.min(ttlNanos, untilExpiry));
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
     * The identity verified earlier for exactly this token, made again for this request, or empty
     * when the token has not been verified in the last TTL or has expired since.
     */
    public Optional<SecurityIdentity> find(String token, RoutingContext request) {
        if (!enabled) {
            return Optional.empty();
        }
        Entry entry = entries.getIfPresent(key(token));
        if (entry == null) {
            return Optional.empty();
        }
        if (clock.instant().getEpochSecond() >= entry.expiresAtEpochSecond()) {
            // RFC 7519 section 4.1.4: on or after exp the token must not be accepted.
            entries.invalidate(key(token));
            return Optional.empty();
        }
        // The routing context and the blocking-call helper quarkus-oidc put in the identity belong
        // to the request that verified it; this request gets its own.
        return Optional.of(QuarkusSecurityIdentity.builder(entry.identity())
                .addAttribute(RoutingContext.class.getName(), request)
                .addAttribute(io.quarkus.security.identity.AuthenticationRequestContext.class.getName(), null)
                .build());
    }

    /**
     * Keeps an identity quarkus-oidc has just verified for the token it was made from, and answers
     * it with the caller memo attached. Anything but a JWT identity with an expiry is not kept.
     */
    public SecurityIdentity remember(String presentedToken, SecurityIdentity identity) {
        if (!enabled || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                || !presentedToken.equals(jwt.getRawToken()) || jwt.getExpirationTime() <= 0) {
            return identity;
        }
        SecurityIdentity kept = QuarkusSecurityIdentity.builder(identity).addAttribute(CALLER_MEMO, new CallerMemo()).build();
        entries.put(key(presentedToken), new Entry(kept, jwt.getExpirationTime()));
        return kept;
    }

    /** How many lookups found a verified identity and how many did not, since start. */
    public long hits() {
        return entries.stats().hitCount();
    }

    public long misses() {
        return entries.stats().missCount();
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private static String key(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** The bearer token of an {@code Authorization} header, or null when it holds none. */
    static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
