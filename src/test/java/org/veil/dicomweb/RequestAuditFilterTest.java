package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.veil.audit.AuditEvent;

/**
 * Which refused requests the filter puts on the trail itself (their resources wrote no row): an
 * attempt on the consent registry or the audit trail, whatever refused it, the caller's request
 * (4xx) or the server's state (5xx); nothing for a route whose resource records its own rows.
 */
class RequestAuditFilterTest {

    @Test
    void aConsentChangeTheServerCouldNotMakeIsOnTheTrailAsOneItRefused() {
        for (int status : new int[] {400, 403, 404, 409, 422, 500, 502, 503}) {
            assertThat(RequestAuditFilter.refusedAct("POST", "/api/v1/studies/1.2.3/shares", status)).as("%d", status)
                    .contains(new RequestAuditFilter.Refused("consent change refused", AuditEvent.PATIENT_RECORD));
            assertThat(RequestAuditFilter.refusedAct("PUT", "/fhir/r4/Consent/7", status)).as("%d", status)
                    .contains(new RequestAuditFilter.Refused("consent change refused", AuditEvent.PATIENT_RECORD));
            assertThat(RequestAuditFilter.refusedAct("GET", "/api/v1/consents/7", status)).as("%d", status)
                    .contains(new RequestAuditFilter.Refused("consent record read refused", AuditEvent.PATIENT_RECORD));
            assertThat(RequestAuditFilter.refusedAct("GET", "/fhir/r4/AuditEvent", status)).as("%d", status)
                    .contains(new RequestAuditFilter.Refused("audit trail read refused", AuditEvent.AUDIT_LOG_USED));
        }
    }

    @Test
    void answeredRequestsAndOtherRoutesAreLeftToTheirResources() {
        assertThat(RequestAuditFilter.refusedAct("POST", "/api/v1/studies/1.2.3/shares", 201)).isEmpty();
        assertThat(RequestAuditFilter.refusedAct("GET", "/api/v1/audit", 200)).isEqualTo(Optional.empty());
        assertThat(RequestAuditFilter.refusedAct("GET", "/dicomweb/studies", 503)).isEmpty();
        assertThat(RequestAuditFilter.refusedAct("GET", "/api/v1/me", 403)).isEmpty();
    }
}
