package org.veil.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real access tokens from the test Keycloak, kept for two minutes (the realm issues them for
 * five) so that a few hundred requests do not mean a few hundred grants.
 */
public final class TestTokens {
    private static final long REUSE_NANOS = 120_000_000_000L;
    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    private record Cached(String token, long fetchedAt) {
    }

    private TestTokens() {
    }

    /** A demo user's token through veil-cli, with the given scopes. */
    public static String of(String user, String scope) {
        String key = user + "|" + scope;
        Cached c = CACHE.get(key);
        if (c == null || System.nanoTime() - c.fetchedAt() > REUSE_NANOS) {
            try {
                c = new Cached(KeycloakServer.get().accessToken(user, scope), System.nanoTime());
            } catch (Exception e) {
                throw new IllegalStateException("no token from the test Keycloak", e);
            }
            CACHE.put(key, c);
        }
        return c.token();
    }

    /** The caller most tests act as: a clinician treating the patient. */
    public static String treatingClinician() {
        return of("clinician", "openid purpose:treatment");
    }
}
