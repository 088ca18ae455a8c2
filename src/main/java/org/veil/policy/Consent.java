package org.veil.policy;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What the patient agreed to for one study: the purposes, how, and from when until when; and
 * whether it has been withdrawn. Active only inside its validity and while not withdrawn. A
 * withdrawal counts from the moment it is on record, whatever time it carries: it is written
 * with the clock of the replica that recorded it, and a replica whose clock runs behind must not
 * go on granting until its own clock reaches that time.
 */
public record Consent(String id, Set<Purpose> scopes, ConsentMethod method, Instant validFrom, Optional<Instant> validUntil,
                      Optional<Instant> withdrawnAt) {

    public boolean activeAt(Instant now) {
        return !now.isBefore(validFrom)
                && validUntil.map(now::isBefore).orElse(true)
                && withdrawnAt.isEmpty();
    }
}
