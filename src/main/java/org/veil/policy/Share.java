package org.veil.policy;

import java.time.Instant;
import java.util.Optional;
import org.veil.security.Caller;
import org.veil.security.Purpose;

/**
 * A study granted for one purpose to an audience until an expiry: a user (its stable subject),
 * a group (by path, as the token's groups claim carries it), an organisation, or an OAuth
 * client. Active until it expires or is revoked.
 */
public record Share(String id, Purpose purpose, AudienceType audienceType, String audience, Instant expiresAt,
                    Optional<Instant> revokedAt) {

    public enum AudienceType { USER, GROUP, ORGANISATION, CLIENT }

    public boolean activeAt(Instant now) {
        return now.isBefore(expiresAt) && revokedAt.map(now::isBefore).orElse(true);
    }

    /**
     * Whether the caller is the audience: a user by subject or user name, a group it is in, its
     * organisation, or its OAuth client ({@code azp}).
     */
    public boolean names(Caller caller) {
        return switch (audienceType) {
            case USER -> audience.equals(caller.subject()) || audience.equals(caller.username());
            case GROUP -> caller.groups().contains(audience);
            case ORGANISATION -> caller.organisation().map(audience::equals).orElse(false);
            case CLIENT -> audience.equals(caller.clientId());
        };
    }
}
