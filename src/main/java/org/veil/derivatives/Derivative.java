package org.veil.derivatives;

import java.util.Optional;

/**
 * A de-identified copy as the store holds it: the derived UIDs and the stored file, or the
 * reason the instance is withheld. {@code cached} says whether it was already there.
 */
public record Derivative(String originalSopUid, String context, String derivedStudyUid, String derivedSeriesUid,
                         String derivedSopUid, String storageKey, long sizeBytes, Optional<String> withheldReason,
                         boolean cached) {

    public boolean withheld() {
        return withheldReason.isPresent();
    }
}
