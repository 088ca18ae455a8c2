package org.veil.security;

/** The outcome of {@link PurposeRules#decide}: a purpose, or a refusal naming the rule. */
public sealed interface PurposeDecision {
    record Granted(Purpose purpose) implements PurposeDecision {
    }

    record Refused(String reason) implements PurposeDecision {
    }
}
