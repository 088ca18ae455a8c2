package org.veil.fhir;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.veil.audit.AuditLog;
import org.veil.audit.DicomAuditMessage;
import org.veil.policy.Purpose;

/**
 * One audit row as a FHIR R4 AuditEvent, following the patterns of IHE Basic Audit Log Patterns
 * (BALP): the DICOM event type (DCM, PS3.15 A.5) and action, the outcome with the reason of a
 * denial, the purpose of use of the request, the caller as the requesting agent with its client
 * and network address, Veil as the other agent and as the source, and the patient and each
 * study as entities. It is the same row the DICOM audit message renders
 * ({@link DicomAuditMessage}), with the same event names and action codes.
 */
final class AuditEventMapping {
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String VEIL_ACTION = "urn:veil:audit-action";
    static final String VEIL_CLIENT = "urn:veil:oauth-client";
    static final String VEIL_SUBJECT = "urn:veil:oidc-subject";

    private AuditEventMapping() {
    }

    static AuditEvent render(AuditLog.Stored row, String sourceId, Optional<String> siteId) {
        org.veil.audit.AuditEvent e = row.event();
        AuditEvent a = new AuditEvent();
        a.setId(Long.toString(row.id()));
        a.setType(new Coding(DCM, e.eventId(), DicomAuditMessage.eventName(e)));
        a.addSubtype(new Coding(VEIL_ACTION, e.action(), e.action()));
        String action = DicomAuditMessage.actionCode(e);
        a.setAction(AuditEvent.AuditEventAction.fromCode(action));
        a.setRecorded(Date.from(e.at()));
        a.setOutcome(switch (e.outcome()) {
            case SUCCESS -> AuditEvent.AuditEventOutcome._0;
            // As the DICOM message's (DicomAuditMessage): minor for 4xx, serious for 5xx.
            case DENIED, FAILED -> AuditEvent.AuditEventOutcome._4;
            case ERROR -> AuditEvent.AuditEventOutcome._8;
        });
        if (e.reason() != null) {
            a.setOutcomeDesc(e.reason());
        }
        Optional<CodeableConcept> purpose = Optional.ofNullable(e.purpose()).flatMap(p -> Purpose.fromScope(Purpose.SCOPE_PREFIX + p))
                .map(p -> new CodeableConcept(new Coding(p.system(), p.code(), p.scopeName())));
        purpose.ifPresent(a::addPurposeOfEvent);

        // The caller is the source when it stores or queries (DicomAuditMessage.callerIsSource).
        boolean stores = DicomAuditMessage.callerIsSource(e);
        AuditEvent.AuditEventAgentComponent caller = a.addAgent().setRequestor(true)
                .setType(role(stores))
                .setWho(new Reference().setIdentifier(new Identifier().setSystem(VEIL_SUBJECT).setValue(e.subject())));
        if (e.username() != null) {
            caller.setName(e.username());
        }
        if (e.clientId() != null) {
            caller.setAltId(e.clientId());
        }
        e.roles().forEach(r -> caller.addRole(new CodeableConcept(new Coding("urn:veil:role", r, r))));
        purpose.ifPresent(caller::addPurposeOfUse);
        if (e.sourceIp() != null) {
            caller.getNetwork().setAddress(e.sourceIp()).setType(AuditEvent.AuditEventAgentNetworkType._2);
        }
        if (e.clientId() != null) {
            // BALP's client agent: the application the user worked through.
            a.addAgent().setRequestor(false).setType(new CodeableConcept(new Coding(DCM, "110150", "Application")))
                    .setWho(new Reference().setIdentifier(new Identifier().setSystem(VEIL_CLIENT).setValue(e.clientId())));
        }
        a.addAgent().setRequestor(false).setType(role(!stores))
                .setWho(new Reference().setIdentifier(new Identifier().setValue(sourceId)).setDisplay("Veil"));

        AuditEvent.AuditEventSourceComponent source = a.getSource()
                .setObserver(new Reference().setIdentifier(new Identifier().setValue(sourceId)).setDisplay("Veil"));
        siteId.ifPresent(source::setSite);
        source.addType(new Coding(SOURCE_TYPE, "4", "Application Server"));

        for (String patient : e.patientIds()) {
            a.addEntity().setWhat(new Reference().setType("Patient").setIdentifier(new Identifier().setValue(patient)))
                    .setType(new Coding(ENTITY_TYPE, "1", "Person")).setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
        }
        for (String study : e.studyUids()) {
            AuditEvent.AuditEventEntityComponent entity = a.addEntity()
                    .setWhat(new Reference().setType("ImagingStudy").setIdentifier(
                            new Identifier().setSystem(ConsentMapping.DICOM_UID_SYSTEM).setValue("urn:oid:" + study)))
                    .setType(new Coding(ENTITY_TYPE, "2", "System Object")).setRole(new Coding(OBJECT_ROLE, "3", "Report"));
            if (e.instances() > 0 && e.studyUids().size() == 1) {
                entity.addDetail().setType("NumberOfInstances").setValue(new StringType(Integer.toString(e.instances())));
            }
        }
        if (e.detail() != null && (e.eventId().equals(org.veil.audit.AuditEvent.AUDIT_LOG_USED)
                || e.eventId().equals(org.veil.audit.AuditEvent.QUERY))) {
            // What a search or a read of the trail asked for (its filters), as BALP's query entity.
            a.addEntity().setType(new Coding(ENTITY_TYPE, "2", "System Object")).setRole(new Coding(OBJECT_ROLE, "24", "Query"))
                    .setDescription(e.detail()).setQuery(e.detail().getBytes(StandardCharsets.UTF_8));
        }
        return a;
    }

    private static CodeableConcept role(boolean source) {
        return new CodeableConcept(source ? new Coding(DCM, "110153", "Source Role ID") : new Coding(DCM, "110152", "Destination Role ID"));
    }
}
