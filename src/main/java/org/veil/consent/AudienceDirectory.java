package org.veil.consent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.veil.consent.ConsentApiException.Field;
import org.veil.policy.Share;

/**
 * Asks Keycloak, before a share is recorded, whether the user or group it names exists, and
 * names a user by its stable id (the tokens' {@code sub}). Veil's own client (veil-server) reads
 * the realm through its service account, which holds realm-management's view-users and nothing
 * more. Organisations and clients are not looked up: the realm has no directory of the first,
 * and reading the second needs more rights than view-users.
 */
@ApplicationScoped
public class AudienceDirectory {
    private static final Logger LOG = Logger.getLogger(AudienceDirectory.class);

    /** @param audience what tokens are matched against; @param stableId the provider's id, when checked */
    public record Resolved(String audience, Optional<String> stableId) {
    }

    private final SharesConfig config;
    private final String authServerUrl;
    private final String clientId;
    private volatile Keycloak keycloak;

    public AudienceDirectory(SharesConfig config, @ConfigProperty(name = "quarkus.oidc.auth-server-url") String authServerUrl,
                             @ConfigProperty(name = "quarkus.oidc.client-id") String clientId) {
        this.config = config;
        this.authServerUrl = authServerUrl;
        this.clientId = clientId;
        if (config.audienceCheck() == SharesConfig.AudienceCheck.KEYCLOAK && config.keycloakClientSecret().isEmpty()) {
            LOG.warn("veil.shares.audience-check is keycloak but no veil.shares.keycloak-client-secret is set:"
                    + " shares to users and groups will be refused until it is");
        }
    }

    public Resolved resolve(Share.AudienceType type, String given) {
        if (config.audienceCheck() == SharesConfig.AudienceCheck.NONE
                || type == Share.AudienceType.ORGANISATION || type == Share.AudienceType.CLIENT) {
            return new Resolved(given, Optional.empty());
        }
        try {
            RealmResource realm = realm();
            if (type == Share.AudienceType.USER) {
                String id = userId(realm, given)
                        .orElseThrow(() -> ConsentApiException.invalid(Field.AUDIENCE,
                                "the audience names no user the identity provider knows"));
                return new Resolved(id, Optional.of(id));
            }
            GroupRepresentation group;
            try {
                group = realm.getGroupByPath(given);
            } catch (WebApplicationException e) {
                if (notFound(e)) {
                    throw ConsentApiException.invalid(Field.AUDIENCE, "the audience names no group the identity provider knows");
                }
                throw e;
            }
            return new Resolved(given, Optional.of(group.getId()));
        } catch (ProcessingException | WebApplicationException e) {
            LOG.warnf("the identity provider could not be asked about a share's audience (%s%s)", e.getClass().getSimpleName(),
                    e instanceof WebApplicationException w ? ", HTTP " + w.getResponse().getStatus() : "");
            throw ConsentApiException.unavailable("the identity provider could not be asked about the audience; try again");
        }
    }

    /** A user by id, else by exact user name. */
    private static Optional<String> userId(RealmResource realm, String given) {
        try {
            return Optional.of(realm.users().get(given).toRepresentation().getId());
        } catch (WebApplicationException e) {
            if (!notFound(e)) {
                throw e;
            }
            List<UserRepresentation> byName = realm.users().searchByUsername(given, true);
            return byName.size() == 1 ? Optional.of(byName.get(0).getId()) : Optional.empty();
        }
    }

    /** The REST client answers a 404 with its own exception type, not always NotFoundException. */
    private static boolean notFound(WebApplicationException e) {
        return e.getResponse() != null && e.getResponse().getStatus() == 404;
    }

    private RealmResource realm() {
        String secret = config.keycloakClientSecret().orElseThrow(() -> ConsentApiException.unavailable(
                "shares to users and groups need the identity provider check, which is not configured"));
        // auth-server-url is <server>/realms/<realm>
        URI issuer = URI.create(authServerUrl);
        String path = issuer.getPath();
        int at = path.lastIndexOf("/realms/");
        String server = issuer.getScheme() + "://" + issuer.getRawAuthority() + path.substring(0, at);
        String realmName = path.substring(at + "/realms/".length()).replaceAll("/+$", "");
        if (keycloak == null) {
            synchronized (this) {
                if (keycloak == null) {
                    keycloak = KeycloakBuilder.builder().serverUrl(server).realm(realmName)
                            .grantType(OAuth2Constants.CLIENT_CREDENTIALS).clientId(clientId).clientSecret(secret).build();
                }
            }
        }
        return keycloak.realm(realmName);
    }
}
