package org.veil.policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The only place Veil decides whether a caller may see a study, and how. Pure Java: the caller,
 * the study's consents and shares, and the time go in; a decision comes out. The defaults
 * follow the seed documents (docs/consent-and-policy.md):
 *
 * <ul>
 * <li>treatment by a clinician: identified, no consent beyond the treatment's own;</li>
 * <li>consultation: an active share of the study to this caller for consultation, and active
 * consent with the scope consultation;</li>
 * <li>teaching: active consent with the scope teaching, or, where the hospital allows it,
 * de-identified images without it;</li>
 * <li>research: active consent with the scope research;</li>
 * <li>publication: active consent with the scope publication, given in writing.</li>
 * </ul>
 *
 * Consent outside its validity, or withdrawn, counts as none. Everything outside treatment is
 * de-identified. The decision is made in two steps, first from the caller alone
 * ({@link #requirement}), then against one study ({@link Requirement.Deidentified#evaluate}); a
 * search applies the first step's answer in SQL.
 */
public final class AccessPolicy {

    /**
     * @param teachingWithoutConsent allow teaching on de-identified images without teaching consent
     * @param usersByName a share naming a user also names a caller whose user name it is: only where
     *                    shares store users as given (no audience check); checked shares store the
     *                    stable id, and a user name that happens to equal another user's id must not match
     */
    public record Settings(boolean teachingWithoutConsent, boolean usersByName) {
        public static final Settings DEFAULTS = new Settings(false, false);
    }

    private final Settings settings;

    public AccessPolicy(Settings settings) {
        this.settings = settings;
    }

    public AccessDecision decide(Caller caller, List<Consent> consents, List<Share> shares, Instant now) {
        return switch (requirement(caller)) {
            case Requirement.Identified i -> new AccessDecision.Identified();
            case Requirement.Denied d -> new AccessDecision.Denied(d.reason());
            case Requirement.Deidentified r -> r.evaluate(consents, shares, now);
        };
    }

    /** What this caller needs of any study. */
    public Requirement requirement(Caller caller) {
        if (!(caller.purpose() instanceof PurposeDecision.Granted granted)) {
            return new Requirement.Denied(switch (caller.purpose()) {
                case PurposeDecision.Absent a -> a.reason();
                case PurposeDecision.Refused r -> r.reason();
                case PurposeDecision.Granted g -> throw new IllegalStateException();
            });
        }
        Purpose purpose = granted.purpose();
        if (purpose == Purpose.TREATMENT) {
            return caller.roles().contains(Role.CLINICIAN)
                    ? new Requirement.Identified()
                    : new Requirement.Denied("treatment is for clinicians");
        }
        return deidentifiedFor(purpose, Audience.of(caller, settings.usersByName()));
    }

    /**
     * What a caller with a purpose other than treatment, known to the audiences given, needs of
     * any study: for a request, and for work done ahead of such callers (the views built in the
     * background when a consent or share is recorded).
     */
    public Requirement.Deidentified deidentifiedFor(Purpose purpose, List<Audience> audiences) {
        return switch (purpose) {
            case TREATMENT -> throw new IllegalArgumentException("treatment is seen identified");
            case CONSULTATION -> deidentified(purpose, false, false, Optional.of(purpose), audiences);
            // Without consent by setting, unless the patient has a teaching consent on record: then it decides.
            case TEACHING -> deidentified(purpose, settings.teachingWithoutConsent(), false, Optional.empty(), List.of());
            case RESEARCH -> deidentified(purpose, false, false, Optional.empty(), List.of());
            case PUBLICATION -> deidentified(purpose, false, true, Optional.empty(), List.of());
        };
    }

    /** The profile, the consent's scope and, without a share, the context are named after the purpose. */
    private static Requirement.Deidentified deidentified(Purpose purpose, boolean unlessNoneRecorded, boolean written,
                                            Optional<Purpose> share, List<Audience> audiences) {
        return new Requirement.Deidentified(purpose.scopeName(), purpose.scopeName(), Optional.of(purpose), unlessNoneRecorded,
                written, share, audiences);
    }
}
