package org.veil.deid;

import java.util.Map;

/** What de-identifying one instance gave: a derivative, or the reason it is withheld. */
public sealed interface Outcome {

    /**
     * @param part10 the derivative as a Part 10 file
     * @param derivedUids every UID replaced, derived UID to original, for the reverse map
     */
    record Derived(byte[] part10, String studyUid, String seriesUid, String sopInstanceUid,
                   Map<String, String> derivedUids) implements Outcome {
    }

    /** Cleaning was required and could not be done; the reason names the rule, not the patient. */
    record Withheld(String reason) implements Outcome {
    }
}
