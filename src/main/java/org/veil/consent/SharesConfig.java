package org.veil.consent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code veil.shares.*}: how a share's audience is checked, and how long a share may last (docs/consent-and-policy.md). */
@ConfigMapping(prefix = "veil.shares")
public interface SharesConfig {

    enum AudienceCheck { KEYCLOAK, NONE }

    /**
     * {@code keycloak}: users and groups named by a share must exist in the realm, and users are
     * stored by their stable id; {@code none}: stored as given, for other OIDC providers.
     */
    @WithDefault("keycloak")
    AudienceCheck audienceCheck();

    /**
     * The longest a share may run from when it is made: a consultation is a matter of weeks, and
     * a share without a bound is a study opened to an outside audience for good. A longer one is
     * refused (400); renew it instead, which puts the renewal on the trail.
     */
    @WithDefault("P90D")
    Duration maxValidity();

    /** The realm's admin API is reached with the token validator's client (veil-server) and this secret. */
    Optional<String> keycloakClientSecret();
}
