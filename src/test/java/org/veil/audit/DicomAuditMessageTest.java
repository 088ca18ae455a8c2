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
            "retrieve frames,   110103, FAILED,  R, DICOM Instances Accessed,    4, publication,  PUBLISH",
            "retrieve rendered, 110103, ERROR,   R, DICOM Instances Accessed,    8, research,     HRESCH",
            "consent record read refused, 110110, DENIED, R, Patient Record,     4, ,             "})
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
        // A.5.3.10: the process issuing a query is its source; so is one that stores.
        assertThat(first(caller, "RoleIDCode").getAttribute("csd-code"))
                .isEqualTo(actionCode.equals("C") || eventId.equals("110112") ? "110153" : "110152");
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

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element object(Document doc, String id) {
        org.w3c.dom.NodeList all = doc.getDocumentElement().getElementsByTagName("ParticipantObjectIdentification");
        for (int i = 0; i < all.getLength(); i++) {
            if (((Element) all.item(i)).getAttribute("ParticipantObjectID").equals(id)) {
                return (Element) all.item(i);
            }
        }
        return null;
    }

    /** A.5.3.10: a query carries the SOP Class queried and the query itself, base64. */
    @org.junit.jupiter.api.Test
    void aQueryCarriesItsQuery() throws Exception {
        AuditEvent e = new AuditEvent(Instant.parse("2026-11-22T03:40:00Z"), "sub-1", "clinician", List.of("clinician"), "treatment",
                "veil-viewer", "127.0.0.1", "query study", "110112", List.of("1.2.3"), List.of("P-1"), 0, AuditEvent.Outcome.SUCCESS,
                null, "query: PatientID=P-1&limit=5");
        Element query = object(parse(DicomAuditMessage.of(new AuditLog.Stored(9, e, "h", "p"), "veil-test", Optional.empty())),
                DicomAuditMessage.STUDY_ROOT_FIND);
        assertThat(query).isNotNull();
        assertThat(query.getAttribute("ParticipantObjectTypeCode")).isEqualTo("2");
        assertThat(query.getAttribute("ParticipantObjectTypeCodeRole")).isEqualTo("3");
        assertThat(first(query, "ParticipantObjectIDTypeCode").getAttribute("csd-code")).isEqualTo("110181");
        assertThat(new String(java.util.Base64.getDecoder().decode(first(query, "ParticipantObjectQuery").getTextContent()),
                StandardCharsets.UTF_8)).isEqualTo("PatientID=P-1&limit=5");
    }

    /** A.5.3.2: a read of the trail names the trail, a security resource, by its URI. */
    @org.junit.jupiter.api.Test
    void aReadOfTheTrailNamesTheTrail() throws Exception {
        AuditEvent e = new AuditEvent(Instant.parse("2026-11-22T03:40:00Z"), "sub-2", "auditor", List.of("auditor"), null, null,
                "127.0.0.1", "audit trail read", "110101", List.of(), List.of("P-1"), 0, AuditEvent.Outcome.SUCCESS, null, "patientId=P-1");
        Element trail = object(parse(DicomAuditMessage.of(new AuditLog.Stored(10, e, "h", "p"), "veil-test", Optional.empty())),
                DicomAuditMessage.TRAIL_URI);
        assertThat(trail).isNotNull();
        assertThat(trail.getAttribute("ParticipantObjectTypeCodeRole")).isEqualTo("13");
        assertThat(first(trail, "ParticipantObjectIDTypeCode").getAttribute("csd-code")).isEqualTo("12");
        assertThat(trail.getElementsByTagName("ParticipantObjectDetail").getLength()).as("nothing left out").isZero();
    }

    /**
     * A search naming a thousand studies makes a message of hundreds of kilobytes, more than a
     * datagram or a collector's 8 KiB holds: the message lists what fits, says how much the row
     * holds, and stays well-formed within the bound.
     */
    @org.junit.jupiter.api.Test
    void aRowTooLargeForTheCollectorIsListedInPartAndSaysSo() throws Exception {
        List<String> studies = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "1.2.826.0.1.3680043.10.543." + i + ".1").toList();
        List<String> patients = java.util.stream.IntStream.range(0, 700).mapToObj(i -> "PATIENT-" + i).toList();
        AuditEvent e = new AuditEvent(Instant.parse("2026-11-22T03:40:00Z"), "sub-1", "clinician", List.of("clinician"), "treatment",
                "veil-viewer", "127.0.0.1", "query study", "110112", studies, patients, 0, AuditEvent.Outcome.SUCCESS, null,
                "query: limit=1000");
        AuditLog.Stored row = new AuditLog.Stored(4711, e, "h", "p");
        assertThat(DicomAuditMessage.of(row, "veil-test", Optional.empty()).length()).as("the whole row").isGreaterThan(100_000);
        String xml = DicomAuditMessage.of(row, "veil-test", Optional.empty(), 8000);
        assertThat(xml.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8000);
        Document doc = parse(xml);
        Element trail = object(doc, DicomAuditMessage.TRAIL_URI);
        assertThat(trail).as("the trail's object says what was left out").isNotNull();
        String note = new String(java.util.Base64.getDecoder().decode(first(trail, "ParticipantObjectDetail").getAttribute("value")),
                StandardCharsets.UTF_8);
        assertThat(note).contains("of 1000 studies").contains("of 700 patients").contains("row 4711");
        assertThat(object(doc, studies.get(0))).as("the first studies are listed").isNotNull();
        assertThat(object(doc, DicomAuditMessage.STUDY_ROOT_FIND)).as("and the query").isNotNull();
    }

    private static Element first(Element parent, String name) {
        Element e = (Element) parent.getElementsByTagName(name).item(0);
        assertThat(e).as(name).isNotNull();
        return e;
    }
}
