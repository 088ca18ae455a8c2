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
        // The token quarkus-oidc verified, not the request's header: with two Authorization
        // headers it verifies the first, and presentedToken answers none.
        io.quarkus.oidc.AccessTokenCredential credential = identity.isAnonymous() ? null
                : identity.getCredential(io.quarkus.oidc.AccessTokenCredential.class);
        if (credential == null || credential.getToken() == null) {
            return Uni.createFrom().item(identity);
        }
        String verifiedToken = credential.getToken();
        // A token the key set does not cover (the check off, another tenant's) is kept all the same.
        Uni<Boolean> admits = keys.checks(identity) ? keys.admits(verifiedToken) : Uni.createFrom().item(true);
        return admits.map(admitted -> {
            if (!admitted) {
                throw new AuthenticationFailedException("the token's signing key is no longer published by the identity provider");
            }
            String presented = identity.getAttribute(RoutingContext.class.getName()) instanceof RoutingContext request
                    ? VerifiedTokens.presentedToken(request) : null;
            return verifiedToken.equals(presented) ? verified.remember(presented, identity) : identity;
        });
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }
}
