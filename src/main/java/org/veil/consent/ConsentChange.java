package org.veil.consent;

import java.util.Set;
import org.veil.policy.Purpose;

/**
 * A committed change to what the registry allows, published as a CDI event so that whoever keeps
 * copies made under a consent or share (the de-identified derivatives) can react without the
 * registry knowing them. The registry fires it inside the change's transaction; observers use
 * {@code @Observes(during = TransactionPhase.AFTER_SUCCESS)}, so they see only changes that
 * committed, and their failure cannot undo one.
 */
public sealed interface ConsentChange {

    /** The original study the change concerns. */
    String studyUid();

    /** A consent was recorded: the study may become visible for its scopes. */
    record ConsentRecorded(String studyUid, String consentId, Set<Purpose> scopes) implements ConsentChange {
    }

    /** A consent was withdrawn: whatever was derived from the study under any consent must go. */
    record ConsentWithdrawn(String studyUid, String consentId) implements ConsentChange {
    }

    /** A share was recorded: the study may become visible to its audience for the purpose. */
    record ShareRecorded(String studyUid, String shareId, Purpose purpose) implements ConsentChange {
    }

    /** A share was revoked: whatever was derived for that share must go. */
    record ShareRevoked(String studyUid, String shareId) implements ConsentChange {
    }
}
