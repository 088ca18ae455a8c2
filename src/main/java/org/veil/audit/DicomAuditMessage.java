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
 * participant objects. The reason of a denial becomes the outcome description.
 */
public final class DicomAuditMessage {
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

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
        return e.action().equals("store") ? "C" : e.action().endsWith(" read") ? "R"
                : EVENTS.getOrDefault(e.eventId(), new String[] {e.action(), "E"})[1];
    }

    /** @param sourceId this Veil, as AuditSourceID; {@code siteId} the enterprise, if configured */
    public static String of(AuditLog.Stored row, String sourceId, Optional<String> siteId) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out);
            write(w, row, sourceId, siteId);
            w.flush();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("audit message", e);
        }
        return out.toString();
    }

    /** Writes the AuditMessage element, for one message or a sequence of them. */
    static void write(XMLStreamWriter w, AuditLog.Stored row, String sourceId, Optional<String> siteId) throws XMLStreamException {
        AuditEvent e = row.event();
        String actionCode = actionCode(e);
        w.writeStartElement("AuditMessage");
        w.writeStartElement("EventIdentification");
        attribute(w, "EventActionCode", actionCode);
        attribute(w, "EventDateTime", TIME.format(e.at()));
        attribute(w, "EventOutcomeIndicator", switch (e.outcome()) {
            case SUCCESS -> "0";
            case DENIED -> "4";
            case FAILED -> "8";
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
        attribute(w, "UserID", nonNull(e.subject()));
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
        // The caller receives what it asks for, except when it stores: then it is the source.
        boolean stores = actionCode.equals("C");
        role(w, stores);
        w.writeEndElement();

        w.writeStartElement("ActiveParticipant");
        attribute(w, "UserID", sourceId);
        attribute(w, "UserIsRequestor", "false");
        role(w, !stores);
        w.writeEndElement();

        w.writeStartElement("AuditSourceIdentification");
        attribute(w, "AuditSourceID", sourceId);
        if (siteId.isPresent()) {
            attribute(w, "AuditEnterpriseSiteID", siteId.get());
        }
        coded(w, "AuditSourceTypeCode", "4", "DCM", "Application Server Process");
        w.writeEndElement();

        for (String study : e.studyUids()) {
            w.writeStartElement("ParticipantObjectIdentification");
            attribute(w, "ParticipantObjectID", study);
            attribute(w, "ParticipantObjectTypeCode", "2");
            attribute(w, "ParticipantObjectTypeCodeRole", "3");
            coded(w, "ParticipantObjectIDTypeCode", "110180", "DCM", "Study Instance UID");
            if (e.instances() > 0 && e.studyUids().size() == 1) {
                w.writeStartElement("ParticipantObjectDetail");
                attribute(w, "type", "NumberOfInstances");
                attribute(w, "value", Base64.getEncoder().encodeToString(Integer.toString(e.instances()).getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII)));
                w.writeEndElement();
            }
            w.writeEndElement();
        }
        for (String patient : e.patientIds()) {
            w.writeStartElement("ParticipantObjectIdentification");
            attribute(w, "ParticipantObjectID", patient);
            attribute(w, "ParticipantObjectTypeCode", "1");
            attribute(w, "ParticipantObjectTypeCodeRole", "1");
            coded(w, "ParticipantObjectIDTypeCode", "2", "RFC-3881", "Patient Number");
            w.writeEndElement();
        }
        w.writeEndElement();
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

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
