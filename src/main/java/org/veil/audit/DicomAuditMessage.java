package org.veil.audit;

import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.veil.dicom.DicomXmlWriter;
import org.veil.policy.Purpose;

/**
 * One audit row as a DICOM Audit Message (PS3.15 A.5.1, the RFC 3881 schema as DICOM extends
 * it): the event with its DCM code, action and outcome, the purpose of use, the caller as the
 * requesting participant, Veil as the source, and each study (110180) and patient as
 * participant objects. The reason of a denial becomes the outcome description. A query carries
 * its query (A.5.3.10), a read of the trail names the trail (A.5.3.2), and a message that must fit
 * a size lists as many studies and patients as fit and says how many more the row holds.
 */
public final class DicomAuditMessage {
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

    /** The Study Root Query/Retrieve Information Model - FIND SOP Class: what a QIDO-RS search is, in A.5.3.10's terms (PS3.18 10.6). */
    static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
    /** The audit trail as a participant object: where it is read (A.5.3.2 asks for its URI). */
    static final String TRAIL_URI = "/api/v1/audit";

    /** Event id to its DCM meaning (PS3.16 CID 400) and the RFC 3881 action code it is audited with. */
    private static final Map<String, String[]> EVENTS = Map.of(
            AuditEvent.INSTANCES_ACCESSED, new String[] {"DICOM Instances Accessed", "R"},
            AuditEvent.QUERY, new String[] {"Query", "E"},
            AuditEvent.INSTANCES_TRANSFERRED, new String[] {"DICOM Instances Transferred", "R"},
            AuditEvent.EXPORT, new String[] {"Export", "R"},
            AuditEvent.PATIENT_RECORD, new String[] {"Patient Record", "U"},
            AuditEvent.AUDIT_LOG_USED, new String[] {"Audit Log Used", "R"});

    private DicomAuditMessage() {
    }

    /** The event's meaning in DCM (PS3.16 CID 400), as the audit message and the FHIR AuditEvent name it. */
    public static String eventName(AuditEvent e) {
        return EVENTS.getOrDefault(e.eventId(), new String[] {e.action(), "E"})[0];
    }

    /**
     * The RFC 3881 / FHIR action code (C, R, U, E). STOW is Veil receiving instances: a create, in
     * the event Transferred; a read of consents or shares reads the patient record that changes
     * to them update.
     */
    public static String actionCode(AuditEvent e) {
        return e.action().equals("store") ? "C" : e.action().endsWith(" read") || e.action().endsWith(" read refused") ? "R"
                : EVENTS.getOrDefault(e.eventId(), new String[] {e.action(), "E"})[1];
    }

    /** @param sourceId this Veil, as AuditSourceID; {@code siteId} the enterprise, if configured */
    public static String of(AuditLog.Stored row, String sourceId, Optional<String> siteId) {
        return of(row, sourceId, siteId, Integer.MAX_VALUE);
    }

    /**
     * The message in at most {@code maxBytes} of UTF-8, for a collector that takes no more (RFC
     * 5425 6.3: 2,048 bytes must be taken, 8,192 should; a UDP datagram holds 65,507): a search
     * of a thousand studies names a thousand studies and their patients. When the whole does not
     * fit, as many studies and patients as fit are listed, and the trail's object says how many
     * the row holds; the row itself, whose hash the message carries, has them all.
     */
    public static String of(AuditLog.Stored row, String sourceId, Optional<String> siteId, int maxBytes) {
        AuditEvent e = row.event();
        int studies = e.studyUids().size();
        int patients = e.patientIds().size();
        String xml = render(row, sourceId, siteId, studies, patients);
        while (xml.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxBytes && studies + patients > 0) {
            studies = studies / 2;
            patients = patients / 2;
            xml = render(row, sourceId, siteId, studies, patients);
        }
        return xml;
    }

    private static String render(AuditLog.Stored row, String sourceId, Optional<String> siteId, int studies, int patients) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out);
            write(w, row, sourceId, siteId, studies, patients);
            w.flush();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("audit message", e);
        }
        return out.toString();
    }

    /** Writes the AuditMessage element, for one message or a sequence of them. */
    static void write(XMLStreamWriter w, AuditLog.Stored row, String sourceId, Optional<String> siteId) throws XMLStreamException {
        write(w, row, sourceId, siteId, row.event().studyUids().size(), row.event().patientIds().size());
    }

    private static void write(XMLStreamWriter w, AuditLog.Stored row, String sourceId, Optional<String> siteId, int studyCount,
                              int patientCount) throws XMLStreamException {
        AuditEvent e = row.event();
        String actionCode = actionCode(e);
        w.writeStartElement("AuditMessage");
        w.writeStartElement("EventIdentification");
        attribute(w, "EventActionCode", actionCode);
        attribute(w, "EventDateTime", TIME.format(e.at()));
        attribute(w, "EventOutcomeIndicator", switch (e.outcome()) {
            case SUCCESS -> "0";
            // Minor failure for a refusal or a request refused as sent (4xx), serious for the
            // server's own failure (5xx): FHIR's audit-event-outcome, which DICOM's values share.
            case DENIED, FAILED -> "4";
            case ERROR -> "8";
        });
        coded(w, "EventID", e.eventId(), "DCM", eventName(e));
        if (e.reason() != null) {
            w.writeStartElement("EventOutcomeDescription");
            text(w, e.reason());
            w.writeEndElement();
        }
        Optional<Purpose> purpose = Optional.ofNullable(e.purpose()).flatMap(p -> Purpose.fromScope(Purpose.SCOPE_PREFIX + p));
        if (purpose.isPresent()) {
            coded(w, "PurposeOfUse", purpose.get().code(), purpose.get().system(), purpose.get().scopeName());
        }
        w.writeEndElement();

        w.writeStartElement("ActiveParticipant");
        attribute(w, "UserID", e.subject() == null || e.subject().isEmpty() ? "(unidentified)" : e.subject());
        if (e.clientId() != null) {
            attribute(w, "AlternativeUserID", e.clientId());
        }
        if (e.username() != null) {
            attribute(w, "UserName", e.username());
        }
        attribute(w, "UserIsRequestor", "true");
        if (e.sourceIp() != null) {
            attribute(w, "NetworkAccessPointID", e.sourceIp());
            attribute(w, "NetworkAccessPointTypeCode", "2");
        }
        boolean callerIsSource = callerIsSource(e);
        role(w, callerIsSource);
        w.writeEndElement();

        w.writeStartElement("ActiveParticipant");
        attribute(w, "UserID", sourceId);
        attribute(w, "UserIsRequestor", "false");
        role(w, !callerIsSource);
        w.writeEndElement();

        w.writeStartElement("AuditSourceIdentification");
        attribute(w, "AuditSourceID", sourceId);
        if (siteId.isPresent()) {
            attribute(w, "AuditEnterpriseSiteID", siteId.get());
        }
        coded(w, "AuditSourceTypeCode", "4", "DCM", "Application Server Process");
        w.writeEndElement();

        for (String study : e.studyUids().subList(0, studyCount)) {
            startObject(w, study, "2", "3", "110180", "DCM", "Study Instance UID");
            if (e.instances() > 0 && e.studyUids().size() == 1) {
                detail(w, "NumberOfInstances", Integer.toString(e.instances()));
            }
            w.writeEndElement();
        }
        for (String patient : e.patientIds().subList(0, patientCount)) {
            startObject(w, patient, "1", "1", "2", "RFC-3881", "Patient Number");
            w.writeEndElement();
        }
        if (e.eventId().equals(AuditEvent.QUERY) && e.detail() != null && e.detail().startsWith(QUERY_PREFIX)) {
            // A.5.3.10: the SOP Queried and the Query, the query as sent (base64).
            startObject(w, STUDY_ROOT_FIND, "2", "3", "110181", "DCM", "SOP Class UID");
            w.writeStartElement("ParticipantObjectQuery");
            text(w, base64(e.detail().substring(QUERY_PREFIX.length())));
            w.writeEndElement();
            w.writeEndElement();
        }
        boolean cut = studyCount < e.studyUids().size() || patientCount < e.patientIds().size();
        if (e.eventId().equals(AuditEvent.AUDIT_LOG_USED) || cut) {
            // A.5.3.2: the audit log used, by its URI, as a security resource; and, where this
            // message could not list the whole row, how much it left out.
            startObject(w, TRAIL_URI, "2", "13", "12", "RFC-3881", "URI");
            w.writeStartElement("ParticipantObjectName");
            text(w, "Security Audit Log");
            w.writeEndElement();
            if (cut) {
                detail(w, "Truncated", "this message lists " + studyCount + " of " + e.studyUids().size() + " studies and "
                        + patientCount + " of " + e.patientIds().size() + " patients; row " + row.id() + " of the trail has them all");
            }
            w.writeEndElement();
        }
        w.writeEndElement();
    }

    private static final String QUERY_PREFIX = "query: ";

    /** Opens a ParticipantObjectIdentification with its id, type, role and id type; the caller closes it. */
    private static void startObject(XMLStreamWriter w, String id, String type, String role, String idType, String system,
                                    String meaning) throws XMLStreamException {
        w.writeStartElement("ParticipantObjectIdentification");
        attribute(w, "ParticipantObjectID", id);
        attribute(w, "ParticipantObjectTypeCode", type);
        attribute(w, "ParticipantObjectTypeCodeRole", role);
        coded(w, "ParticipantObjectIDTypeCode", idType, system, meaning);
    }

    /** A ParticipantObjectDetail: its value base64, as the schema's xs:base64Binary has it. */
    private static void detail(XMLStreamWriter w, String type, String value) throws XMLStreamException {
        w.writeEmptyElement("ParticipantObjectDetail");
        attribute(w, "type", type);
        attribute(w, "value", base64(value));
    }

    /**
     * Whether the caller is the source (110153) rather than the destination: when it stores
     * (instances flow from it), and when it queries (A.5.3.10: the process issuing the query is
     * the source, the one answering it the destination).
     */
    public static boolean callerIsSource(AuditEvent e) {
        return actionCode(e).equals("C") || e.eventId().equals(AuditEvent.QUERY);
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Every value goes through {@link DicomXmlWriter#xmlSafe}: a trail row may hold characters
     * XML 1.0 cannot (a control character in a searched identifier, say), and one such row must
     * not make the export or the syslog copy malformed.
     */
    private static void attribute(XMLStreamWriter w, String name, String value) throws XMLStreamException {
        w.writeAttribute(name, DicomXmlWriter.xmlSafe(value));
    }

    private static void text(XMLStreamWriter w, String value) throws XMLStreamException {
        w.writeCharacters(DicomXmlWriter.xmlSafe(value));
    }

    private static void role(XMLStreamWriter w, boolean source) throws XMLStreamException {
        coded(w, "RoleIDCode", source ? "110153" : "110152", "DCM", source ? "Source Role ID" : "Destination Role ID");
    }

    private static void coded(XMLStreamWriter w, String element, String code, String system, String meaning) throws XMLStreamException {
        w.writeEmptyElement(element);
        attribute(w, "csd-code", code);
        attribute(w, "codeSystemName", system);
        attribute(w, "originalText", meaning);
    }

}
