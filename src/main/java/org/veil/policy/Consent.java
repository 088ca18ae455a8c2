package org.veil.policy;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What the patient agreed to for one study: the purposes, how, and from when until when; and
 * whether it has been withdrawn. Active only inside its validity and before a withdrawal.
 */
public record Consent(String id, Set<Purpose> scopes, ConsentMethod method, Instant validFrom, Optional<Instant> validUntil,
                      Optional<Instant> withdrawnAt) {

    public boolean activeAt(Instant now) {
        return !now.isBefore(validFrom)
                && validUntil.map(now::isBefore).orElse(true)
                && withdrawnAt.map(now::isBefore).orElse(true);
    }
}
