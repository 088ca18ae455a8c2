package org.veil.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Hands each identity quarkus-oidc has just verified to {@link VerifiedTokens}, last of all
 * augmentors so that what is kept is the identity requests see. Only an identity made from the
 * one bearer token the request carried is kept, and only once {@link SigningKeys} has found its
 * signing key still published; a token whose key the provider has withdrawn makes no caller (401).
 */
@ApplicationScoped
public class VerifiedTokenAugmentor implements SecurityIdentityAugmentor {
    @Inject
    VerifiedTokens verified;

    @Inject
    SigningKeys keys;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getAttribute(RoutingContext.class.getName()) instanceof RoutingContext request)) {
            return Uni.createFrom().item(identity);
        }
        String token = VerifiedTokens.presentedToken(request);
        if (token == null) {
            return Uni.createFrom().item(identity);
        }
        return keys.admits(token).map(admitted -> {
            if (!admitted) {
                throw new AuthenticationFailedException("the token's signing key is no longer published by the identity provider");
            }
            return verified.remember(token, identity);
        });
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }
}
