package org.veil.policy;

/** The one answer of {@link AccessPolicy}: identified, de-identified under a profile in a context, or denied. */
public sealed interface AccessDecision {

    record Identified() implements AccessDecision {
    }

    /** @param context keys the derived values: the profile's name, or the share for consultation */
    record Deidentified(String profile, String context) implements AccessDecision {
    }

    /** The reason names the rule, never the study or the patient. */
    record Denied(String reason) implements AccessDecision {
    }
}
