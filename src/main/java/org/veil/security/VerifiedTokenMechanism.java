package org.veil.security;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * Asked before quarkus-oidc's bearer mechanism: a request whose one {@code Authorization: Bearer}
 * token was verified moments ago gets that identity from {@link VerifiedTokens}. Anything else
 * (no token, a token not seen, one seen but expired since, several Authorization headers) gets no
 * answer here, and quarkus-oidc checks it in full, as it did before this mechanism existed; so do
 * the challenges and the refusals, which stay quarkus-oidc's.
 */
@ApplicationScoped
public class VerifiedTokenMechanism implements HttpAuthenticationMechanism {
    /** Ahead of quarkus-oidc's mechanism, whose priority is {@link #DEFAULT_PRIORITY} + 1 unless configured. */
    static final int PRIORITY = DEFAULT_PRIORITY + 1000;

    @Inject
    VerifiedTokens verified;

    @Inject
    SigningKeys keys;

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String token = VerifiedTokens.presentedToken(context);
        if (token == null || !keys.keyStillPublished(token)) {
            // A kept token whose key the provider no longer publishes is checked in full, where
            // VerifiedTokenAugmentor refuses it.
            return Uni.createFrom().nullItem();
        }
        return verified.find(token, context).map(identity -> Uni.createFrom().item(identity))
                .orElseGet(() -> Uni.createFrom().nullItem());
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        return Uni.createFrom().item(false);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        // Served by quarkus-oidc's identity provider; Quarkus refuses to start a mechanism whose
        // credential type no provider takes.
        return Set.of(TokenAuthenticationRequest.class);
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
