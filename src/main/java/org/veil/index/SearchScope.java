package org.veil.index;

import java.time.Instant;
import org.veil.policy.Requirement;

/** Which studies a search may return, and from which index: decided per request from the caller. */
public sealed interface SearchScope {

    /** The original index, every study: treatment. */
    record Identified() implements SearchScope {
    }

    /** Nothing: the policy denies every study to this caller. */
    record Nothing(String reason) implements SearchScope {
    }

    /** The de-identified index, each study in the context the requirement gives it, at one time and key version. */
    record Deidentified(Requirement.Deidentified requirement, Instant now, String keyVersion) implements SearchScope {
    }
}
