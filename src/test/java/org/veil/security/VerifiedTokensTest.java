package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/**
 * {@link VerifiedTokens} on its own, with a clock and a ticker the test moves: what is kept, for
 * which token, and until when. {@code VerifiedTokenMechanismTest} shows the same with real
 * Keycloak tokens through the HTTP layer.
 */
class VerifiedTokensTest {
    private static final long NOW = 1_800_000_000L;
    private final AtomicLong nanos = new AtomicLong();
    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void aVerifiedTokenIsFoundAgainForTheNextRequestWithThatRequestsContext() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 1 << 20);
        RoutingContext first = request();
        RoutingContext second = request();
        SecurityIdentity kept = tokens.remember("token-a", identity("token-a", NOW + 300, first));

        SecurityIdentity found = tokens.find("token-a", second).orElseThrow();

        assertThat(found.getPrincipal()).isSameAs(kept.getPrincipal());
        assertThat(found.getRoles()).containsExactly("clinician");
        assertThat((Object) found.getAttribute(RoutingContext.class.getName())).isSameAs(second);
        assertThat((Object) found.getAttribute(VerifiedTokens.CALLER_MEMO)).isNotNull()
                .isSameAs(kept.getAttribute(VerifiedTokens.CALLER_MEMO));
        assertThat(tokens.hits()).isEqualTo(1);
    }

    @Test
    void onlyTheExactTokenFindsIt() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 1 << 20);
        tokens.remember("header.payload.signature", identity("header.payload.signature", NOW + 300, request()));

        assertThat(tokens.find("header.payload.signaturf", request())).isEmpty();
        assertThat(tokens.find("header.payloae.signature", request())).isEmpty();
        assertThat(tokens.find("header.payload.signature ", request())).isEmpty();
        assertThat(tokens.find("header.payload.signature", request())).isPresent();
    }

    @Test
    void aTokenIsNotFoundOnceItHasExpired() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 1 << 20);
        tokens.remember("short", identity("short", NOW + 10, request()));
        assertThat(tokens.find("short", request())).isPresent();

        clock.set(NOW + 10);

        assertThat(tokens.find("short", request())).as("on exp itself, RFC 7519 4.1.4").isEmpty();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void aTokenIsCheckedInFullAgainAfterTheTtl() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 1 << 20);
        tokens.remember("long-lived", identity("long-lived", NOW + 3600, request()));
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(tokens.find("long-lived", request())).isPresent();

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());

        assertThat(tokens.find("long-lived", request())).isEmpty();
    }

    @Test
    void theTtlIsCutToWhatIsLeftOfTheToken() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 1 << 20);
        tokens.remember("five-seconds-left", identity("five-seconds-left", NOW + 5, request()));

        nanos.addAndGet(Duration.ofSeconds(5).toNanos());

        assertThat(tokens.size()).as("gone by the ticker too, not only by the wall-clock check").isZero();
    }

    @Test
    void aTtlOfZeroKeepsNothing() {
        VerifiedTokens tokens = tokens(Duration.ZERO, 1 << 20);
        SecurityIdentity identity = identity("t", NOW + 300, request());

        assertThat(tokens.remember("t", identity)).isSameAs(identity);
        assertThat(tokens.find("t", request())).isEmpty();
        assertThat((Object) identity.getAttribute(VerifiedTokens.CALLER_MEMO)).isNull();
    }

    @Test
    void onlyAnIdentityMadeFromThePresentedTokenIsKept() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 1 << 20);
        tokens.remember("presented", identity("another", NOW + 300, request()));
        tokens.remember("no-expiry", identity("no-expiry", 0, request()));
        tokens.remember("anonymous", QuarkusSecurityIdentity.builder().setAnonymous(true).build());
        tokens.remember("not-a-jwt", QuarkusSecurityIdentity.builder().setPrincipal(() -> "someone").build());

        assertThat(tokens.size()).isZero();
        assertThat(tokens.find("presented", request())).isEmpty();
        assertThat(tokens.find("another", request())).isEmpty();
    }

    @Test
    void whatIsKeptIsBoundedByItsSize() {
        String padding = "x".repeat(10_000);
        long oneEntry = 4L * ("token-10" + padding).length() + VerifiedTokens.ENTRY_OVERHEAD_BYTES;
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 3 * oneEntry);
        for (int i = 10; i < 60; i++) {
            tokens.remember("token-" + i + padding, identity("token-" + i + padding, NOW + 300, request()));
        }

        assertThat(tokens.size()).isBetween(1L, 3L);
    }

    @Test
    void anEntryKeepsNothingOfTheRequestThatMadeIt() {
        VerifiedTokens tokens = tokens(Duration.ofSeconds(60), 1 << 20);
        RoutingContext first = request();
        SecurityIdentity verified = QuarkusSecurityIdentity.builder().setPrincipal(new Jwt("t", NOW + 300)).addRole("clinician")
                .addAttribute(RoutingContext.class.getName(), first)
                .addAttribute(io.quarkus.security.identity.AuthenticationRequestContext.class.getName(), (Object) "helper")
                .addAttribute("tenant-id", "Default").addPermissionAsString("purpose:treatment").build();

        SecurityIdentity forFirst = tokens.remember("t", verified);
        SecurityIdentity kept = tokens.kept("t").orElseThrow();

        assertThat((Object) forFirst.getAttribute(RoutingContext.class.getName())).as("the request itself still has it").isSameAs(first);
        assertThat(kept.getAttributes()).doesNotContainKeys(RoutingContext.class.getName(),
                io.quarkus.security.identity.AuthenticationRequestContext.class.getName()).containsEntry("tenant-id", "Default");
        assertThat(kept.checkPermission(new io.quarkus.security.StringPermission("purpose", "treatment")).await().indefinitely()).isTrue();
        assertThat(kept.checkPermission(new io.quarkus.security.StringPermission("purpose", "research")).await().indefinitely()).isFalse();
    }

    @Test
    void quarkusOidcSettingsThatCheckMoreThanTheTokenTurnItOff() {
        assertThat(why(Map.of(), List.of(), false)).isEmpty();
        assertThat(why(Map.of("quarkus.oidc.token.authorization-scheme", "bearer"), List.of(), false)).isEmpty();
        assertThat(why(Map.of("quarkus.oidc.token.binding.certificate", "true"), List.of(), false)).hasValueSatisfying(
                r -> assertThat(r).contains("certificate"));
        assertThat(why(Map.of("quarkus.oidc.token.authorization-scheme", "DPoP"), List.of(), false)).isPresent();
        assertThat(why(Map.of("quarkus.oidc.token.header", "X-Token"), List.of(), false)).isPresent();
        assertThat(why(Map.of("quarkus.oidc.token.age", "60s"), List.of(), false)).isPresent();
        assertThat(why(Map.of("quarkus.oidc.token.require-jwt-introspection-only", "true"), List.of(), false)).isPresent();
        assertThat(why(Map.of("quarkus.oidc.authentication.user-info-required", "true"), List.of(), false)).isPresent();
        assertThat(why(Map.of(), List.of(), true)).hasValueSatisfying(r -> assertThat(r).contains("tenant"));
        assertThat(why(Map.of(), List.of("quarkus.oidc.auth-server-url", "quarkus.oidc.token.audience", "QUARKUS_OIDC_AUTH_SERVER_URL",
                "QUARKUS_OIDC_TENANT_ENABLED"), false)).as("the default tenant's own settings").isEmpty();
        assertThat(why(Map.of(), List.of("quarkus.oidc.partner.auth-server-url"), false)).isPresent();
        assertThat(why(Map.of(), List.of("quarkus.oidc.\"partner\".tenant-id"), false)).isPresent();
        assertThat(why(Map.of(), List.of("QUARKUS_OIDC_PARTNER_AUTH_SERVER_URL"), false)).isPresent();
    }

    @Test
    void noResourceAsksForStepUpAuthentication() {
        // A kept identity skips quarkus-oidc's per-request acr and max-age check of @AuthenticationContext.
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses().should().dependOnClassesThat()
                .haveFullyQualifiedName("io.quarkus.oidc.AuthenticationContext")
                .check(new com.tngtech.archunit.core.importer.ClassFileImporter()
                        .withImportOption(com.tngtech.archunit.core.importer.ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("org.veil"));
    }

    private static Optional<String> why(Map<String, String> properties, List<String> names, boolean tenantResolver) {
        List<String> all = new java.util.ArrayList<>(names);
        all.addAll(properties.keySet());
        return VerifiedTokens.whyEveryTokenIsChecked(n -> Optional.ofNullable(properties.get(n)), all, tenantResolver);
    }

    @Test
    void onlyOneBearerTokenIsReadFromAHeader() {
        assertThat(VerifiedTokens.bearerToken("Bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(VerifiedTokens.bearerToken("bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(VerifiedTokens.bearerToken("Basic dXNlcjpwYXNz")).isNull();
        assertThat(VerifiedTokens.bearerToken("DPoP abc.def.ghi")).isNull();
        assertThat(VerifiedTokens.bearerToken("Bearer ")).isNull();
        assertThat(VerifiedTokens.bearerToken("Bearer  abc.def.ghi")).as("unchanged, as quarkus-oidc reads it").isEqualTo(" abc.def.ghi");
        assertThat(VerifiedTokens.bearerToken("Bearer abc.def.ghi ")).isEqualTo("abc.def.ghi ");
        assertThat(VerifiedTokens.bearerToken("Bearerabc")).isNull();
        assertThat(VerifiedTokens.bearerToken(null)).isNull();
    }

    private VerifiedTokens tokens(Duration ttl, long max) {
        return new VerifiedTokens(ttl, max, nanos::get, clock);
    }

    private static SecurityIdentity identity(String rawToken, long exp, RoutingContext request) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new Jwt(rawToken, exp)).addRole("clinician")
                .addAttribute(RoutingContext.class.getName(), request).build();
    }

    /** A distinct request context; the cache only carries it, so nothing of it is called. */
    private static RoutingContext request() {
        return (RoutingContext) Proxy.newProxyInstance(VerifiedTokensTest.class.getClassLoader(), new Class<?>[] {RoutingContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "request";
                    default -> throw new AssertionError("the cache calls nothing on a request: " + method.getName());
                });
    }

    private record Jwt(String rawToken, long exp) implements JsonWebToken {
        @Override
        public String getName() {
            return "someone";
        }

        @Override
        public String getRawToken() {
            return rawToken;
        }

        @Override
        public long getExpirationTime() {
            return exp;
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of();
        }

        @Override
        public <T> T getClaim(String claimName) {
            return null;
        }
    }

    private static final class MutableClock extends Clock {
        private volatile long epochSecond;

        MutableClock(long epochSecond) {
            this.epochSecond = epochSecond;
        }

        void set(long epochSecond) {
            this.epochSecond = epochSecond;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(epochSecond);
        }
    }
}
