package org.veil.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.veil.policy.Share;

/** The switch for OIDC providers other than Keycloak, and the refusal when the check has no credentials. */
class AudienceDirectoryTest {

    private static SharesConfig config(SharesConfig.AudienceCheck check, Optional<String> secret) {
        return new SharesConfig() {
            @Override
            public AudienceCheck audienceCheck() {
                return check;
            }

            @Override
            public Optional<String> keycloakClientSecret() {
                return secret;
            }

            @Override
            public java.time.Duration maxValidity() {
                return java.time.Duration.ofDays(90);
            }
        };
    }

    @Test
    void switchedOffTheAudienceIsStoredAsGiven() {
        AudienceDirectory none = new AudienceDirectory(config(SharesConfig.AudienceCheck.NONE, Optional.empty()),
                "http://127.0.0.1:1/realms/veil", "veil-server");
        assertThat(none.resolve(Share.AudienceType.USER, "consultant")).isEqualTo(new AudienceDirectory.Resolved("consultant", Optional.empty()));
        assertThat(none.resolve(Share.AudienceType.GROUP, "/partners/x").stableId()).isEmpty();
    }

    @Test
    void organisationsAndClientsAreNotLookedUp() {
        AudienceDirectory keycloak = new AudienceDirectory(config(SharesConfig.AudienceCheck.KEYCLOAK, Optional.empty()),
                "http://127.0.0.1:1/realms/veil", "veil-server");
        assertThat(keycloak.resolve(Share.AudienceType.ORGANISATION, "St Elsewhere Radiology").audience()).isEqualTo("St Elsewhere Radiology");
        assertThat(keycloak.resolve(Share.AudienceType.CLIENT, "veil-viewer").audience()).isEqualTo("veil-viewer");
    }

    @Test
    void withoutItsSecretTheCheckRefusesRatherThanStoreUnchecked() {
        AudienceDirectory keycloak = new AudienceDirectory(config(SharesConfig.AudienceCheck.KEYCLOAK, Optional.empty()),
                "http://127.0.0.1:1/realms/veil", "veil-server");
        assertThatThrownBy(() -> keycloak.resolve(Share.AudienceType.USER, "consultant"))
                .isInstanceOfSatisfying(ConsentApiException.class, e -> assertThat(e.status()).isEqualTo(503));
    }
}
