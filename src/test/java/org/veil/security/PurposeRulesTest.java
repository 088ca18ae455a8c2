package org.veil.security;

import org.veil.policy.Purpose;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PurposeRulesTest {
    private final PurposeRules rules = PurposeRules.defaults();

    /** The default map, written out cell by cell rather than computed. */
    @ParameterizedTest(name = "{0} claiming {1} -> {2}")
    @CsvSource({
            "clinician, treatment, granted", "clinician, teaching, granted", "clinician, research, granted",
            "clinician, publication, granted", "clinician, consultation, refused",
            "consultant, consultation, granted", "consultant, treatment, refused", "consultant, teaching, refused",
            "consultant, research, refused", "consultant, publication, refused",
            "educator, teaching, granted", "educator, treatment, refused", "educator, research, refused",
            "researcher, research, granted", "researcher, treatment, refused", "researcher, publication, refused",
            "uploader, treatment, refused", "uploader, research, refused",
            "auditor, treatment, refused", "auditor, research, refused",
            "admin, treatment, refused", "admin, publication, refused",
    })
    void decideWhenOnePurposeIsNamedThenTheRoleMapDecides(String role, String purpose, String expected) {
        PurposeDecision d = rules.decide(roles(role), Set.of(Purpose.fromScope("purpose:" + purpose).orElseThrow()));
        assertThat(d instanceof PurposeDecision.Granted ? "granted" : "refused").isEqualTo(expected);
        if (d instanceof PurposeDecision.Refused refused) {
            assertThat(refused.reason()).contains("may not claim").contains(purpose);
        }
    }

    @Test
    void decideWhenSeveralRolesThenAnyOfThemMayClaim() {
        assertThat(rules.decide(roles("educator", "consultant"), Set.of(Purpose.CONSULTATION)))
                .isEqualTo(new PurposeDecision.Granted(Purpose.CONSULTATION));
    }

    @Test
    void decideWhenNoPurposeAndNoDefaultThenAbsent() {
        assertThat(rules.decide(roles("clinician"), Set.of())).isInstanceOf(PurposeDecision.Absent.class);
    }

    @Test
    void decideWhenTwoPurposesThenRefused() {
        PurposeDecision d = rules.decide(roles("clinician"), EnumSet.of(Purpose.TREATMENT, Purpose.RESEARCH));
        assertThat(d).isInstanceOf(PurposeDecision.Refused.class);
        assertThat(((PurposeDecision.Refused) d).reason()).contains("exactly one purpose")
                .as("which were claimed, for the audit row").contains("(research, treatment)");
    }

    @Test
    void decideWhenNoPurposeThenTheRoleDefaultApplies() {
        PurposeRules withDefault = new PurposeRules(Map.of(Role.CLINICIAN, EnumSet.of(Purpose.TREATMENT)),
                Map.of(Role.CLINICIAN, Purpose.TREATMENT));
        assertThat(withDefault.decide(roles("clinician"), Set.of())).isEqualTo(new PurposeDecision.Granted(Purpose.TREATMENT));
        assertThat(withDefault.decide(roles("researcher"), Set.of())).isInstanceOf(PurposeDecision.Absent.class);
    }

    @Test
    void aDefaultTheRoleMayNotClaimIsAConfigurationError() {
        assertThatThrownBy(() -> new PurposeRules(Map.of(Role.CONSULTANT, EnumSet.of(Purpose.CONSULTATION)),
                Map.of(Role.CONSULTANT, Purpose.TREATMENT))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "http://terminology.hl7.org/CodeSystem/v3-ActReason, TREAT, TREATMENT",
            "urn:oid:2.16.840.1.113883.5.8, TRAIN, TEACHING",
            "http://terminology.hl7.org/CodeSystem/v3-ActReason, HRESCH, RESEARCH",
            "urn:veil:purpose-of-use, CONSULT, CONSULTATION",
            "urn:veil:purpose-of-use, PUBLISH, PUBLICATION",
    })
    void iuaCodingsMapToPurposes(String system, String code, Purpose expected) {
        assertThat(Purpose.fromCoding(system, code)).contains(expected);
    }

    @Test
    void unknownScopesAndCodesNameNoPurpose() {
        assertThat(Purpose.fromScope("purpose:curiosity")).isEmpty();
        assertThat(Purpose.fromScope("openid")).isEmpty();
        assertThat(Purpose.fromCoding("urn:veil:purpose-of-use", "TREAT")).isEmpty();
    }

    private static Set<Role> roles(String... names) {
        return Arrays.stream(names).map(n -> Role.fromName(n).orElseThrow()).collect(Collectors.toSet());
    }
}
