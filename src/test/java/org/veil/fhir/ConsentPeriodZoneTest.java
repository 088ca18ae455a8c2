package org.veil.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;

/** Dates without a time in a Consent's period, read in the configured zone, or as narrowly as any zone could mean them. */
class ConsentPeriodZoneTest {
    private static final String CONSENT = """
            {"resourceType":"Consent","status":"active",
             "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
             "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]},
                         {"coding":[{"system":"urn:veil:consent-method","code":"written"}]}],
             "patient":{"identifier":{"value":"P-ZONE"}},
             "sourceAttachment":{"url":"urn:ehr:document:1"},
             "provision":{"type":"permit","period":{"start":"2030-03-01","end":"2030-06-30"},
               "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"HRESCH"}]}}""";

    private static ConsentMapping.Request read(Optional<ZoneId> zone) {
        return ConsentMapping.read(FhirContext.forR4Cached().newJsonParser().parseResource(Consent.class, CONSENT), zone);
    }

    @Test
    void inTheConfiguredZoneTheDaysAreThatZonesDays() {
        ZoneId zurich = ZoneId.of("Europe/Zurich");
        ConsentMapping.Request r = read(Optional.of(zurich));
        assertThat(r.terms().validFrom()).isEqualTo(LocalDate.of(2030, 3, 1).atStartOfDay(zurich).toInstant().toString());
        assertThat(r.terms().validUntil()).isEqualTo(LocalDate.of(2030, 7, 1).atStartOfDay(zurich).toInstant().toString());
    }

    @Test
    void withoutOneNoZonesReadingGrantsAMomentOutsideTheDays() {
        ConsentMapping.Request r = read(Optional.empty());
        assertThat(r.terms().validFrom()).isEqualTo("2030-03-01T12:00:00Z");
        assertThat(r.terms().validUntil()).isEqualTo("2030-06-30T10:00:00Z");
        for (String zone : new String[] {"Pacific/Kiritimati", "Etc/GMT+12", "Europe/Zurich", "America/New_York", "Australia/Sydney"}) {
            ZoneId z = ZoneId.of(zone);
            assertThat(r.terms().validFrom()).as(zone)
                    .isGreaterThanOrEqualTo(LocalDate.of(2030, 3, 1).atStartOfDay(z).toInstant().toString());
            assertThat(r.terms().validUntil()).as(zone)
                    .isLessThanOrEqualTo(LocalDate.of(2030, 7, 1).atStartOfDay(z).toInstant().toString());
        }
    }
}
