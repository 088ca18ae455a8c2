package org.veil.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.veil.policy.Role;

/**
 * {@code veil.security.*}: where roles are read from in the token and which role may claim which
 * purpose. The role map's defaults are in application.properties; docs/security.md explains them.
 */
@ConfigMapping(prefix = "veil.security")
public interface SecurityConfig {

    /** Dotted claim paths to string arrays of role names (application.properties reads the client's roles under its client id). */
    @WithDefault("realm_access.roles,resource_access.veil-server.roles")
    List<String> roleClaims();

    /** The claim naming the caller's organisation, when the provider sends one. */
    @WithDefault("organisation")
    String organisationClaim();

    /**
     * The clients whose tokens Veil takes ({@code azp}, else {@code client_id}); none listed: any
     * client the provider gives Veil's audience. A hospital that wants its external readers to
     * come only through the viewer lists {@code veil-viewer} and its own tools (docs/security.md).
     */
    Optional<java.util.Set<String>> allowedClients();

    /** Role name to the purposes it may claim; a role not listed claims none. */
    Map<String, List<String>> claimable();

    /** Role name to the purpose its tokens get when they name none. Empty by default. */
    Map<String, String> defaultPurpose();

    /** {@code veil.security.signing-keys.*}: {@link SigningKeys}. */
    SigningKeysConfig signingKeys();

    interface SigningKeysConfig {
        /**
         * How often the provider's key set is fetched again, which bounds how long a signing key
         * it has withdrawn still makes callers; 0 trusts every key quarkus-oidc holds until restart.
         */
        @WithDefault("60s")
        java.time.Duration refresh();
    }

    /** {@code veil.security.verified-tokens.*}: {@link VerifiedTokens}. */
    VerifiedTokensConfig verifiedTokens();

    interface VerifiedTokensConfig {
        /**
         * How long a verified token is answered from memory at most (never past its expiry); 0
         * checks every request's token in full.
         */
        @WithDefault("60s")
        java.time.Duration ttl();

        /**
         * How much the kept tokens may take, counted as four times each token's length plus
         * {@link VerifiedTokens#ENTRY_OVERHEAD_BYTES}; the least used go first.
         */
        @WithDefault("16777216")
        long maxBytes();
    }
}
