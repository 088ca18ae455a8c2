package org.veil.policy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.veil.security.Caller;
import org.veil.security.Purpose;
import org.veil.security.PurposeDecision;
import org.veil.security.Role;

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
 * de-identified.
 */
public final class AccessPolicy {

    /** @param teachingWithoutConsent allow teaching on de-identified images without teaching consent */
    public record Settings(boolean teachingWithoutConsent) {
        public static final Settings DEFAULTS = new Settings(false);
    }

    private final Settings settings;

    public AccessPolicy(Settings settings) {
        this.settings = settings;
    }

    public AccessDecision decide(Caller caller, List<Consent> consents, List<Share> shares, Instant now) {
        if (!(caller.purpose() instanceof PurposeDecision.Granted granted)) {
            return new AccessDecision.Denied(switch (caller.purpose()) {
                case PurposeDecision.Absent a -> a.reason();
                case PurposeDecision.Refused r -> r.reason();
                case PurposeDecision.Granted g -> throw new IllegalStateException();
            });
        }
        Purpose purpose = granted.purpose();
        return switch (purpose) {
            case TREATMENT -> caller.roles().contains(Role.CLINICIAN)
                    ? new AccessDecision.Identified()
                    : new AccessDecision.Denied("treatment is for clinicians");
            case CONSULTATION -> {
                Optional<Share> share = shares.stream()
                        .filter(s -> s.purpose() == Purpose.CONSULTATION && s.activeAt(now) && s.names(caller)).findFirst();
                if (share.isEmpty()) {
                    yield new AccessDecision.Denied("consultation needs an active share of the study to the caller");
                }
                yield consented(consents, Purpose.CONSULTATION, now, false)
                        .<AccessDecision>map(AccessDecision.Denied::new)
                        .orElse(new AccessDecision.Deidentified("consultation", "share-" + share.get().id()));
            }
            case TEACHING -> settings.teachingWithoutConsent()
                    ? new AccessDecision.Deidentified("teaching", "teaching")
                    : consented(consents, Purpose.TEACHING, now, false).<AccessDecision>map(AccessDecision.Denied::new)
                            .orElse(new AccessDecision.Deidentified("teaching", "teaching"));
            case RESEARCH -> consented(consents, Purpose.RESEARCH, now, false).<AccessDecision>map(AccessDecision.Denied::new)
                    .orElse(new AccessDecision.Deidentified("research", "research"));
            case PUBLICATION -> consented(consents, Purpose.PUBLICATION, now, true).<AccessDecision>map(AccessDecision.Denied::new)
                    .orElse(new AccessDecision.Deidentified("publication", "publication"));
        };
    }

    /** Empty when an active consent covers the purpose (in writing where required); else why not. */
    private static Optional<String> consented(List<Consent> consents, Purpose purpose, Instant now, boolean written) {
        List<Consent> active = consents.stream().filter(c -> c.activeAt(now) && c.scopes().contains(purpose)).toList();
        if (active.isEmpty()) {
            return Optional.of(purpose.scopeName() + " needs active consent with the scope " + purpose.scopeName());
        }
        if (written && active.stream().noneMatch(c -> c.method() == ConsentMethod.WRITTEN)) {
            return Optional.of(purpose.scopeName() + " needs consent given in writing");
        }
        return Optional.empty();
    }
}
