package org.veil.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default policy, cell by cell: role and purpose × consent state × share state. Expected:
 * {@code id} identified, {@code de:<profile>} de-identified under the profile, {@code deny:<fragment>}.
 */
class AccessPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final AccessPolicy policy = new AccessPolicy(AccessPolicy.Settings.DEFAULTS);

    @ParameterizedTest(name = "{0}/{1}, consent {2}, share {3} -> {4}")
    @CsvSource({
            // role,      purpose,      consent,          share,          expected
            "clinician,  treatment,    none,             none,           id",
            "clinician,  treatment,    withdrawn,        none,           id",
            "consultant, consultation, active,           active,         de:consultation",
            "consultant, consultation, none,             active,         deny:needs active consent",
            "consultant, consultation, active,           none,           deny:needs an active share",
            "consultant, consultation, active,           expired,        deny:needs an active share",
            "consultant, consultation, active,           revoked,        deny:needs an active share",
            "consultant, consultation, active,           other-audience, deny:needs an active share",
            // A share names users by their stable id (the audience check stores it): a user name alone does not match.
            "consultant, consultation, active,           username,       deny:needs an active share",
            "consultant, consultation, active,           group,          de:consultation",
            "consultant, consultation, active,           organisation,   de:consultation",
            "consultant, consultation, active,           client,         de:consultation",
            "consultant, consultation, wrong-scope,      active,         deny:needs active consent",
            "consultant, consultation, expired,          active,         deny:needs active consent",
            "consultant, consultation, withdrawn,        active,         deny:needs active consent",
            "consultant, consultation, not-yet-valid,    active,         deny:needs active consent",
            "educator,   teaching,     active,           none,           de:teaching",
            "educator,   teaching,     none,             none,           deny:needs active consent",
            "educator,   teaching,     wrong-scope,      none,           deny:needs active consent",
            "educator,   teaching,     withdrawn,        none,           deny:needs active consent",
            "clinician,  teaching,     active,           none,           de:teaching",
            "researcher, research,     active,           none,           de:research",
            "researcher, research,     expired,          none,           deny:needs active consent",
            "researcher, research,     verbal,           none,           de:research",
            "clinician,  research,     none,             none,           deny:needs active consent",
            "clinician,  publication,  active,           none,           de:publication",
            "clinician,  publication,  verbal,           none,           deny:in writing",
            "clinician,  publication,  electronic,       none,           deny:in writing",
            "clinician,  publication,  none,             none,           deny:needs active consent",
            "clinician,  publication,  withdrawn,        none,           deny:needs active consent",
    })
    void defaults(String role, String purpose, String consent, String share, String expected) {
        Purpose p = Purpose.fromScope("purpose:" + purpose).orElseThrow();
        Caller caller = caller(Role.fromName(role).orElseThrow(), new PurposeDecision.Granted(p));
        AccessDecision d = policy.decide(caller, consents(consent, p), shares(share, p), NOW);
        check(d, expected);
    }

    /**
     * Where shares store users as given (no audience check, another OIDC provider), a user name
     * names the caller too; where they store the stable id, a user name equal to another user's
     * id must not reach that user's shares.
     */
    @Test
    void userNamesMatchOnlyWhereSharesStoreThemAsGiven() {
        Caller consultant = caller(Role.CONSULTANT, new PurposeDecision.Granted(Purpose.CONSULTATION));
        List<Consent> consent = consents("active", Purpose.CONSULTATION);
        List<Share> byName = shares("username", Purpose.CONSULTATION);
        check(new AccessPolicy(new AccessPolicy.Settings(false, true)).decide(consultant, consent, byName, NOW), "de:consultation");
        check(policy.decide(consultant, consent, byName, NOW), "deny:needs an active share");
        // Another user whose user name is this consultant's id: the stable id is not a name to claim.
        Caller impostor = new Caller("sub-impostor", "sub-consultant", EnumSet.of(Role.CONSULTANT),
                new PurposeDecision.Granted(Purpose.CONSULTATION), "veil-viewer", Optional.empty(), Set.of());
        List<Share> byId = List.of(new Share("s1", Purpose.CONSULTATION, Share.AudienceType.USER, "sub-consultant",
                NOW.plusSeconds(3600), Optional.empty()));
        check(policy.decide(impostor, consent, byId, NOW), "deny:needs an active share");
        check(policy.decide(consultant, consent, byId, NOW), "de:consultation");
    }

    @Test
    void teachingWithoutConsentWhenTheHospitalAllowsIt() {
        AccessPolicy permissive = new AccessPolicy(new AccessPolicy.Settings(true, true));
        Caller educator = caller(Role.EDUCATOR, new PurposeDecision.Granted(Purpose.TEACHING));
        check(permissive.decide(educator, List.of(), List.of(), NOW), "de:teaching");
        Caller researcher = caller(Role.RESEARCHER, new PurposeDecision.Granted(Purpose.RESEARCH));
        check(permissive.decide(researcher, List.of(), List.of(), NOW), "deny:needs active consent");
    }

    /**
     * Teaching without consent covers studies whose patient has said nothing about teaching. A
     * teaching consent on record decides: withdrawn, expired or not yet valid, the study is not
     * seen; a consent for another purpose says nothing about teaching.
     */
    @Test
    void aTeachingConsentOnRecordDecidesEvenWhereNoneIsNeeded() {
        AccessPolicy permissive = new AccessPolicy(new AccessPolicy.Settings(true, true));
        Caller educator = caller(Role.EDUCATOR, new PurposeDecision.Granted(Purpose.TEACHING));
        for (String state : List.of("withdrawn", "expired", "not-yet-valid")) {
            check(permissive.decide(educator, consents(state, Purpose.TEACHING), List.of(), NOW), "deny:needs active consent");
        }
        check(permissive.decide(educator, consents("active", Purpose.TEACHING), List.of(), NOW), "de:teaching");
        check(permissive.decide(educator, consents("verbal", Purpose.TEACHING), List.of(), NOW), "de:teaching");
        check(permissive.decide(educator, consents("wrong-scope", Purpose.TEACHING), List.of(), NOW), "de:teaching");
    }

    @Test
    void noPurposeOrARefusedOneIsDenied() {
        check(policy.decide(caller(Role.CLINICIAN, new PurposeDecision.Absent("the token names no purpose")), List.of(), List.of(), NOW),
                "deny:names no purpose");
        check(policy.decide(caller(Role.CONSULTANT, new PurposeDecision.Refused("may not claim treatment")), List.of(), List.of(), NOW),
                "deny:may not claim");
    }

    @Test
    void consultationIsKeyedByTheShare() {
        Caller consultant = caller(Role.CONSULTANT, new PurposeDecision.Granted(Purpose.CONSULTATION));
        AccessDecision d = policy.decide(consultant, consents("active", Purpose.CONSULTATION), shares("active", Purpose.CONSULTATION), NOW);
        assertThat(d).isEqualTo(new AccessDecision.Deidentified("consultation", "share-s1"));
    }

    private static void check(AccessDecision d, String expected) {
        if (expected.equals("id")) {
            assertThat(d).isInstanceOf(AccessDecision.Identified.class);
        } else if (expected.startsWith("de:")) {
            assertThat(d).isInstanceOfSatisfying(AccessDecision.Deidentified.class, x -> assertThat(x.profile()).isEqualTo(expected.substring(3)));
        } else {
            assertThat(d).isInstanceOfSatisfying(AccessDecision.Denied.class, x -> assertThat(x.reason()).contains(expected.substring(5)));
        }
    }

    private static Caller caller(Role role, PurposeDecision purpose) {
        return new Caller("sub-" + role.roleName(), role.roleName(), EnumSet.of(role), purpose, "veil-viewer",
                Optional.of("St Elsewhere Radiology"), Set.of("/partners/st-elsewhere-radiology"));
    }

    private static List<Consent> consents(String state, Purpose purpose) {
        Instant from = NOW.minusSeconds(86400);
        Optional<Instant> until = Optional.of(NOW.plusSeconds(86400));
        return switch (state) {
            case "none" -> List.of();
            case "active" -> List.of(new Consent("c1", Set.of(purpose), ConsentMethod.WRITTEN, from, until, Optional.empty()));
            case "verbal" -> List.of(new Consent("c1", Set.of(purpose), ConsentMethod.VERBAL, from, until, Optional.empty()));
            case "electronic" -> List.of(new Consent("c1", Set.of(purpose), ConsentMethod.ELECTRONIC, from, until, Optional.empty()));
            case "wrong-scope" -> List.of(new Consent("c1", Set.of(purpose == Purpose.RESEARCH ? Purpose.TEACHING : Purpose.RESEARCH),
                    ConsentMethod.WRITTEN, from, until, Optional.empty()));
            case "expired" -> List.of(new Consent("c1", Set.of(purpose), ConsentMethod.WRITTEN, from.minusSeconds(86400 * 30),
                    Optional.of(NOW.minusSeconds(1)), Optional.empty()));
            case "withdrawn" -> List.of(new Consent("c1", Set.of(purpose), ConsentMethod.WRITTEN, from, until,
                    Optional.of(NOW.minusSeconds(1))));
            case "not-yet-valid" -> List.of(new Consent("c1", Set.of(purpose), ConsentMethod.WRITTEN, NOW.plusSeconds(60), until,
                    Optional.empty()));
            default -> throw new IllegalArgumentException(state);
        };
    }

    private static List<Share> shares(String state, Purpose purpose) {
        Instant until = NOW.plusSeconds(3600);
        return switch (state) {
            case "none" -> List.of();
            case "active" -> List.of(new Share("s1", purpose, Share.AudienceType.USER, "sub-consultant", until, Optional.empty()));
            case "username" -> List.of(new Share("s1", purpose, Share.AudienceType.USER, "consultant", until, Optional.empty()));
            case "group" -> List.of(new Share("s1", purpose, Share.AudienceType.GROUP, "/partners/st-elsewhere-radiology", until, Optional.empty()));
            case "organisation" -> List.of(new Share("s1", purpose, Share.AudienceType.ORGANISATION, "St Elsewhere Radiology", until,
                    Optional.empty()));
            case "client" -> List.of(new Share("s1", purpose, Share.AudienceType.CLIENT, "veil-viewer", until, Optional.empty()));
            case "expired" -> List.of(new Share("s1", purpose, Share.AudienceType.USER, "sub-consultant", NOW.minusSeconds(1), Optional.empty()));
            case "revoked" -> List.of(new Share("s1", purpose, Share.AudienceType.USER, "sub-consultant", until, Optional.of(NOW.minusSeconds(5))));
            case "other-audience" -> List.of(new Share("s1", purpose, Share.AudienceType.USER, "sub-someone-else", until, Optional.empty()));
            default -> throw new IllegalArgumentException(state);
        };
    }
}
