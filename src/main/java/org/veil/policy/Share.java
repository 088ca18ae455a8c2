package org.veil.policy;

import java.time.Instant;
import java.util.Optional;

/**
 * A study granted for one purpose to an audience until an expiry: a user (its stable subject),
 * a group (by path, as the token's groups claim carries it), an organisation, or an OAuth
 * client. Active until it expires or is revoked.
 */
public record Share(String id, Purpose purpose, AudienceType audienceType, String audience, Instant expiresAt,
                    Optional<Instant> revokedAt) {

    public enum AudienceType { USER, GROUP, ORGANISATION, CLIENT }

    public boolean activeAt(Instant now) {
        // A revocation counts from the moment it is on record, as a withdrawal does (Consent).
        return now.isBefore(expiresAt) && revokedAt.isEmpty();
    }
}
