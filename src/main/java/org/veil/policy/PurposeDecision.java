package org.veil.policy;

/**
 * The outcome of {@link PurposeRules#decide}: a purpose; none, because the token names none and
 * no role default applies; or a refusal naming the rule. Absent and refused differ for a caller
 * that needs no purpose (an uploader storing): naming none is fine, naming a wrong one is not.
 */
public sealed interface PurposeDecision {
    record Granted(Purpose purpose) implements PurposeDecision {
    }

    record Absent(String reason) implements PurposeDecision {
    }

    record Refused(String reason) implements PurposeDecision {
    }
}
