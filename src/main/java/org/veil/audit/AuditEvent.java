package org.veil.audit;

import java.time.Instant;
import java.util.List;

/**
 * One audited act: who (subject, user name, roles), why (purpose), from where (client id, the
 * destination; source address), what (action, DICOM audit event id, studies by original UID, their
 * patients, number of instances) and how it ended (outcome, and the reason for a denial).
 *
 * <p>Event ids are those of PS3.15 A.5 / DCM: 110103 DICOM Instances Accessed, 110112 Query,
 * 110104 DICOM Instances Transferred, 110106 Export, 110110 Patient Record (consent changes),
 * 110101 Audit Log Used (the trail itself read).
 */
public record AuditEvent(Instant at, String subject, String username, List<String> roles, String purpose, String clientId,
                         String sourceIp, String action, String eventId, List<String> studyUids, List<String> patientIds,
                         int instances, Outcome outcome, String reason, String detail) {

    public static final String INSTANCES_ACCESSED = "110103";
    public static final String QUERY = "110112";
    public static final String INSTANCES_TRANSFERRED = "110104";
    public static final String EXPORT = "110106";
    public static final String PATIENT_RECORD = "110110";
    public static final String AUDIT_LOG_USED = "110101";

    /** Refused (401, 403, 404), failed as sent (another 4xx), or failed in the server (5xx). */
    public enum Outcome { SUCCESS, DENIED, FAILED, ERROR }

    /** An event of this caller, now; its PatientIDs are filled in from the studies when it is written ({@link AuditLog}). */
    public static AuditEvent of(org.veil.policy.Caller caller, String sourceIp, String action, String eventId,
                                List<String> studyUids, int instances, Outcome outcome, String reason) {
        return new AuditEvent(Instant.now(), caller.subject(), caller.username(),
                caller.roles().stream().map(org.veil.policy.Role::roleName).sorted().toList(),
                caller.grantedPurpose().map(org.veil.policy.Purpose::scopeName).orElse(null), caller.clientId(), sourceIp,
                action, eventId, studyUids, List.of(), instances, outcome, reason, null);
    }

    /** The same event naming patients beyond those of its studies (a consent for a patient with no study yet). */
    public AuditEvent withPatients(List<String> value) {
        return new AuditEvent(at, subject, username, roles, purpose, clientId, sourceIp, action, eventId, studyUids, List.copyOf(value),
                instances, outcome, reason, detail);
    }

    /** Another act of the same caller at the same moment: a consent a patient consent made for a study being stored. */
    public AuditEvent withAct(String newAction, String newEventId, List<String> studies) {
        return new AuditEvent(at, subject, username, roles, purpose, clientId, sourceIp, newAction, newEventId, List.copyOf(studies),
                List.of(), 0, outcome, reason, detail);
    }

    /** The same event with what it was about beyond its studies, such as the filters of a read of the trail. */
    public AuditEvent withDetail(String value) {
        return new AuditEvent(at, subject, username, roles, purpose, clientId, sourceIp, action, eventId, studyUids, patientIds,
                instances, outcome, reason, value);
    }
}
