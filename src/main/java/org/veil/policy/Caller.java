package org.veil.policy;

import java.util.Optional;
import java.util.Set;

/**
 * Who is asking and why, read once from the token. {@code clientId} is the OAuth client the
 * token was issued to (the "destination" the audit records). The purpose is a decision, not a
 * value: an uploader that names none may still store, while every read needs a granted one.
 */
public record Caller(String subject, String username, Set<Role> roles, PurposeDecision purpose, String clientId,
                     Optional<String> organisation, Set<String> groups) {

    /** Unmodifiable copies: one caller may serve many requests at once (security.VerifiedTokens). */
    public Caller {
        roles = roles.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(roles));
        groups = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(groups));
    }

    /** Who the audit trail names when a request's token names no one: it is recorded all the same. */
    public static Caller unidentified() {
        return new Caller("(unidentified)", "(unidentified)", Set.of(), new PurposeDecision.Absent("no caller"), "",
                Optional.empty(), Set.of());
    }

    /** The granted purpose, if any. */
    public Optional<Purpose> grantedPurpose() {
        return purpose instanceof PurposeDecision.Granted g ? Optional.of(g.purpose()) : Optional.empty();
    }
}
