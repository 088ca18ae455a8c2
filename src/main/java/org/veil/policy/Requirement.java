package org.veil.policy;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a caller needs of a study to see it, before any study is looked at. {@link AccessPolicy}
 * evaluates it against one study's consents and shares; the search evaluates the very same
 * record in SQL (index.VisibilitySql), so that searching and retrieving can never disagree.
 */
public sealed interface Requirement {

    /** Every study, identified. */
    record Identified() implements Requirement {
    }

    /** No study. The reason names the rule. */
    record Denied(String reason) implements Requirement {
    }

    /**
     * A study with active consent for {@code consentScope} (in writing when {@code written}), if
     * any is required; for consultation also an active share for that purpose to one of the
     * caller's {@code audiences}. Seen de-identified under {@code profile}, in the context
     * {@code context}, or, with a share, in the context of the share (its lowest id when several
     * apply, so that the choice is the same everywhere).
     *
     * <p>{@code unlessNoneRecorded}: the consent is needed only where the study has one with the
     * scope on record (teaching without consent, by setting). A consent on record decides: the
     * patient who withdrew it, let it expire or set it to start later has said no, for now.
     */
    record Deidentified(String profile, String context, Optional<Purpose> consentScope, boolean unlessNoneRecorded, boolean written,
                        Optional<Purpose> sharePurpose, List<Audience> audiences) implements Requirement {

        public static final String SHARE_CONTEXT_PREFIX = "share-";

        public AccessDecision evaluate(List<Consent> consents, List<Share> shares, Instant now) {
            String seenIn = context;
            if (sharePurpose.isPresent()) {
                Optional<Share> share = shares.stream()
                        .filter(s -> s.purpose() == sharePurpose.get() && s.activeAt(now)
                                && audiences.contains(new Audience(s.audienceType(), s.audience())))
                        .min(Comparator.comparing(Share::id));
                if (share.isEmpty()) {
                    return new AccessDecision.Denied(sharePurpose.get().scopeName() + " needs an active share of the study to the caller");
                }
                seenIn = SHARE_CONTEXT_PREFIX + share.get().id();
            }
            if (consentScope.isPresent()
                    && !(unlessNoneRecorded && consents.stream().noneMatch(c -> c.scopes().contains(consentScope.get())))) {
                Purpose scope = consentScope.get();
                List<Consent> active = consents.stream().filter(c -> c.activeAt(now) && c.scopes().contains(scope)).toList();
                if (active.isEmpty()) {
                    return new AccessDecision.Denied(scope.scopeName() + " needs active consent with the scope " + scope.scopeName());
                }
                if (written && active.stream().noneMatch(c -> c.method() == ConsentMethod.WRITTEN)) {
                    return new AccessDecision.Denied(scope.scopeName() + " needs consent given in writing");
                }
            }
            return new AccessDecision.Deidentified(profile, seenIn);
        }
    }
}
