package org.veil.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.consent.ConsentApiException.Field;

/**
 * Each refusal of a consent's terms names the part of the request it is about, so the FHIR layer
 * points at its own element by that part and never by the words of the reason (which it used to
 * read, so rewording a reason moved its OperationOutcome's expression).
 */
class ConsentTermsTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final ConsentRequests.Evidence PAPER = new ConsentRequests.Evidence("urn:ehr:document:1", null);

    private static Field refusedField(ConsentRequests.NewConsent req) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ConsentTerms.of(req, NOW));
        assertThat(t).isInstanceOf(ConsentApiException.class);
        ConsentApiException e = (ConsentApiException) t;
        assertThat(e.status()).isEqualTo(400);
        return e.field().orElseThrow();
    }

    @Test
    void eachRefusalOfTheTermsNamesItsField() {
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of(), "written", PAPER, null, null))).isEqualTo(Field.SCOPES);
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of("treatment"), "written", PAPER, null, null)))
                .isEqualTo(Field.SCOPES);
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of("research"), "by carrier pigeon", PAPER, null, null)))
                .isEqualTo(Field.METHOD);
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of("research"), "written", PAPER, "yesterday", null)))
                .isEqualTo(Field.VALID_FROM);
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of("research"), "written", PAPER, "1800-01-01T00:00:00Z", null)))
                .isEqualTo(Field.VALID_FROM);
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of("research"), "written", PAPER, null, "2020-01-01T00:00:00Z")))
                .isEqualTo(Field.VALID_UNTIL);
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of("research"), "written", PAPER,
                "2027-06-01T00:00:00Z", "2027-05-01T00:00:00Z"))).isEqualTo(Field.VALID_UNTIL);
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of("research"), "written",
                new ConsentRequests.Evidence(null, "not hex"), null, null))).isEqualTo(Field.EVIDENCE);
        assertThat(refusedField(new ConsentRequests.NewConsent(List.of("publication"), "written",
                new ConsentRequests.Evidence(null, "a".repeat(64)), null, null))).isEqualTo(Field.EVIDENCE);
    }

    @Test
    void termsThatCanBeRecordedAreRecordedAsSent() {
        ConsentTerms t = ConsentTerms.of(new ConsentRequests.NewConsent(List.of("publication", "research"), "written", PAPER,
                null, "2027-06-30T00:00:00Z"), NOW);
        assertThat(t.describe()).isEqualTo("scopes publication,research; method written; valid from 2026-12-03T12:00:00Z"
                + " until 2027-06-30T00:00:00Z");
    }

    @Test
    void aRefusalOfTheWholeBodyNamesNoField() {
        assertThatThrownBy(() -> StrictJson.read(new java.io.ByteArrayInputStream("[]".getBytes()),
                ConsentRequests.NewConsent.class, 1024))
                .isInstanceOfSatisfying(ConsentApiException.class, e -> assertThat(e.field()).isEmpty());
    }
}
