package org.veil.consent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code veil.shares.*}: how a share's audience is checked (docs/consent-and-policy.md). */
@ConfigMapping(prefix = "veil.shares")
public interface SharesConfig {

    enum AudienceCheck { KEYCLOAK, NONE }

    /**
     * {@code keycloak}: users and groups named by a share must exist in the realm, and users are
     * stored by their stable id; {@code none}: stored as given, for other OIDC providers.
     */
    @WithDefault("keycloak")
    AudienceCheck audienceCheck();

    /** The realm's admin API is reached with the token validator's client (veil-server) and this secret. */
    Optional<String> keycloakClientSecret();
}
