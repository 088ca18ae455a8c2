package org.veil.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Audit rows as DICOM Audit Messages (PS3.15 A.5.1): the codes and participants each kind of event carries. */
class DicomAuditMessageTest {

    @ParameterizedTest(name = "{0} {2} -> {3} {5}")
    @CsvSource({
            "query study,       110112, SUCCESS, E, Query,                       0, research,     HRESCH",
            "retrieve metadata, 110103, SUCCESS, R, DICOM Instances Accessed,    0, consultation, CONSULT",
            "retrieve instances,110104, DENIED,  R, DICOM Instances Transferred, 4, teaching,     TRAIN",
            "store,             110104, SUCCESS, C, DICOM Instances Transferred, 0, treatment,    TREAT",
            "consent withdrawn, 110110, SUCCESS, U, Patient Record,              0, ,             ",
            "retrieve frames,   110103, FAILED,  R, DICOM Instances Accessed,    8, publication,  PUBLISH"})
    void eachEventCarriesItsCodes(String action, String eventId, String outcome, String actionCode, String meaning,
                                  String outcomeIndicator, String purpose, String purposeCode) throws Exception {
        AuditEvent e = new AuditEvent(Instant.parse("2026-11-22T03:40:00.123456Z"), "sub-1", "consultant", List.of("consultant"),
                purpose, "veil-viewer", "127.0.0.1", action, eventId, List.of("1.2.3.4"), List.of("P-1"), 3,
                AuditEvent.Outcome.valueOf(outcome), outcome.equals("SUCCESS") ? null : "consultation needs an active share", null);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(
                DicomAuditMessage.of(new AuditLog.Stored(7, e, "hash", "previous"), "veil-test", Optional.of("Veil General Hospital"))
                        .getBytes(StandardCharsets.UTF_8)));
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("AuditMessage");
        Element event = first(root, "EventIdentification");
        assertThat(event.getAttribute("EventActionCode")).isEqualTo(actionCode);
        assertThat(event.getAttribute("EventOutcomeIndicator")).isEqualTo(outcomeIndicator);
        assertThat(event.getAttribute("EventDateTime")).isEqualTo("2026-11-22T03:40:00.123456Z");
        Element id = first(event, "EventID");
        assertThat(id.getAttribute("csd-code")).isEqualTo(eventId);
        assertThat(id.getAttribute("codeSystemName")).isEqualTo("DCM");
        assertThat(id.getAttribute("originalText")).isEqualTo(meaning);
        if (purpose == null) {
            assertThat(event.getElementsByTagName("PurposeOfUse").getLength()).isZero();
        } else {
            assertThat(first(event, "PurposeOfUse").getAttribute("csd-code")).isEqualTo(purposeCode);
        }
        assertThat(event.getElementsByTagName("EventOutcomeDescription").getLength()).isEqualTo(outcome.equals("SUCCESS") ? 0 : 1);

        Element caller = (Element) root.getElementsByTagName("ActiveParticipant").item(0);
        assertThat(caller.getAttribute("UserID")).isEqualTo("sub-1");
        assertThat(caller.getAttribute("AlternativeUserID")).isEqualTo("veil-viewer");
        assertThat(caller.getAttribute("UserIsRequestor")).isEqualTo("true");
        assertThat(caller.getAttribute("NetworkAccessPointID")).isEqualTo("127.0.0.1");
        assertThat(first(caller, "RoleIDCode").getAttribute("csd-code")).isEqualTo(actionCode.equals("C") ? "110153" : "110152");
        Element veil = (Element) root.getElementsByTagName("ActiveParticipant").item(1);
        assertThat(veil.getAttribute("UserIsRequestor")).isEqualTo("false");
        Element source = first(root, "AuditSourceIdentification");
        assertThat(source.getAttribute("AuditSourceID")).isEqualTo("veil-test");
        assertThat(source.getAttribute("AuditEnterpriseSiteID")).isEqualTo("Veil General Hospital");

        Element study = (Element) root.getElementsByTagName("ParticipantObjectIdentification").item(0);
        assertThat(study.getAttribute("ParticipantObjectID")).isEqualTo("1.2.3.4");
        assertThat(study.getAttribute("ParticipantObjectTypeCode")).isEqualTo("2");
        assertThat(first(study, "ParticipantObjectIDTypeCode").getAttribute("csd-code")).isEqualTo("110180");
        Element patient = (Element) root.getElementsByTagName("ParticipantObjectIdentification").item(1);
        assertThat(patient.getAttribute("ParticipantObjectID")).isEqualTo("P-1");
        assertThat(patient.getAttribute("ParticipantObjectTypeCodeRole")).isEqualTo("1");
    }

    /**
     * A row whose values hold characters XML 1.0 cannot carry (a control character in a searched
     * identifier, an unpaired surrogate in a user name) still gives a well-formed message, with
     * U+FFFD in their place: one such row must not break the export or the syslog copy.
     */
    @org.junit.jupiter.api.Test
    void charactersXmlCannotHoldBecomeReplacementCharacters() throws Exception {
        AuditEvent e = new AuditEvent(Instant.parse("2026-11-22T03:40:00Z"), "sub-\u0001", "user\uD800", List.of("clinician"),
                null, "client\u0007", "127.0.0.1", "consents read", "110110", List.of("1.2.3"), List.of("P\u0001-1"), 0,
                AuditEvent.Outcome.DENIED, "reason \u001B[31m", null);
        String xml = DicomAuditMessage.of(new AuditLog.Stored(8, e, "hash", "previous"), "veil-test", Optional.empty());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(
                xml.getBytes(StandardCharsets.UTF_8)));
        Element caller = (Element) doc.getDocumentElement().getElementsByTagName("ActiveParticipant").item(0);
        assertThat(caller.getAttribute("UserID")).isEqualTo("sub-\uFFFD");
        assertThat(caller.getAttribute("UserName")).isEqualTo("user\uFFFD");
        Element patient = (Element) doc.getDocumentElement().getElementsByTagName("ParticipantObjectIdentification").item(1);
        assertThat(patient.getAttribute("ParticipantObjectID")).isEqualTo("P\uFFFD-1");
        assertThat(first(doc.getDocumentElement(), "EventOutcomeDescription").getTextContent()).isEqualTo("reason \uFFFD[31m");
    }

    private static Element first(Element parent, String name) {
        Element e = (Element) parent.getElementsByTagName(name).item(0);
        assertThat(e).as(name).isNotNull();
        return e;
    }
}
