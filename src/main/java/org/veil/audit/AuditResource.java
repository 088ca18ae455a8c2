package org.veil.audit;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.veil.policy.Caller;
import org.veil.policy.Role;
import org.veil.security.StudyAccess;

/** {@code /api/v1/audit}: the audit trail for auditors and admins, and the check of its chain. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private static final int MAX_LIMIT = 1000;
    /** Rows before the offset are read and discarded in id order: deeper than this, from and to reach the rows in one page. */
    private static final int MAX_OFFSET = AuditLog.MAX_OFFSET;

    private final AuditLog audit;
    private final StudyAccess access;
    private final AuditConfig config;

    @jakarta.ws.rs.core.Context
    io.vertx.core.http.HttpServerRequest request;

    public AuditResource(AuditLog audit, StudyAccess access, AuditConfig config) {
        this.audit = audit;
        this.access = access;
        this.config = config;
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Row(long id, String at, String subject, String username, List<String> roles, String purpose, String client,
                      String sourceIp, String action, String eventId, List<String> studies, List<String> patientIds, int instances,
                      String outcome, String reason, String detail, String hash) {
    }

    @GET
    @Operation(summary = "Audit records, oldest first, filtered by study, patient, user, purpose and time")
    public List<Row> query(@BeanParam Query q, @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) throws SQLException {
        Caller caller = access.requireAnyRole("reading the audit trail", Role.AUDITOR, Role.ADMIN);
        onlyKnownParameters(uri, Query.NAMES);
        List<AuditLog.Stored> rows = audit.query(q.filter());
        used(caller, "audit trail read", q, rows);
        return rows.stream().map(s -> new Row(s.id(), s.event().at().toString(), s.event().subject(),
                s.event().username(), s.event().roles(), s.event().purpose(), s.event().clientId(), s.event().sourceIp(),
                s.event().action(), s.event().eventId(), s.event().studyUids(), s.event().patientIds(), s.event().instances(),
                s.event().outcome().name().toLowerCase(java.util.Locale.ROOT), s.event().reason(), s.event().detail(), s.hash()))
                .toList();
    }

    @GET
    @Path("/messages")
    @Produces(MediaType.APPLICATION_XML)
    @Operation(summary = "The same records, same filters, as DICOM Audit Messages (PS3.15 A.5) in an AuditMessages element")
    public String export(@BeanParam Query q, @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) throws SQLException {
        Caller caller = access.requireAnyRole("reading the audit trail", Role.AUDITOR, Role.ADMIN);
        onlyKnownParameters(uri, Query.NAMES);
        List<AuditLog.Stored> rows = audit.query(q.filter());
        used(caller, "audit trail exported", q, rows);
        java.io.StringWriter out = new java.io.StringWriter();
        try {
            javax.xml.stream.XMLStreamWriter w = javax.xml.stream.XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("AuditMessages");
            for (AuditLog.Stored row : rows) {
                DicomAuditMessage.write(w, row, config.sourceId(), config.siteId());
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.flush();
        } catch (javax.xml.stream.XMLStreamException e) {
            throw new IllegalStateException("audit export", e);
        }
        return out.toString();
    }

    /**
     * Reading the trail reads patient identifiers, so it is on record too (DCM 110101), before the
     * answer, with the filters it used: who looked up which patient or study is itself on record.
     * The row names no study, so that it does not show up in the trail of the studies read; it is
     * filed under the patient looked up and the patients the rows name, as the FHIR read-out's is
     * ({@link AuditLog#patientsRead}).
     */
    private void used(Caller caller, String action, Query q, List<AuditLog.Stored> rows) throws SQLException {
        used(caller, action, q.describe(), AuditLog.patientsRead(java.util.Optional.ofNullable(q.patient), rows));
    }

    private void used(Caller caller, String action, String detail, List<String> patients) throws SQLException {
        audit.record(AuditEvent.of(caller, request == null ? null : request.remoteAddress().hostAddress(), action,
                AuditEvent.AUDIT_LOG_USED, List.of(), 0, AuditEvent.Outcome.SUCCESS, null).withDetail(detail).withPatients(patients));
    }

    /**
     * Every parameter is one this route knows, given once: a misspelt filter (patient_id) or a
     * second value of one would otherwise be ignored and the answer widened to rows the reader
     * did not ask for, every patient's among them (as the FHIR AuditEvent search refuses them).
     */
    private static void onlyKnownParameters(jakarta.ws.rs.core.UriInfo uri, java.util.Set<String> known) {
        if (uri == null) {
            return;
        }
        for (java.util.Map.Entry<String, List<String>> p : uri.getQueryParameters().entrySet()) {
            if (!known.contains(p.getKey())) {
                throw new InvalidAuditQueryException("unknown parameter; this route takes " + String.join(", ", new java.util.TreeSet<>(known)));
            }
            if (p.getValue().size() > 1) {
                throw new InvalidAuditQueryException(p.getKey() + " is given more than once");
            }
            if (p.getValue().stream().anyMatch(String::isBlank)) {
                // Not "no filter": a script whose variable was unset (patientId=) read every patient's rows.
                throw new InvalidAuditQueryException(p.getKey() + " is empty; leave it out to filter nothing");
            }
        }
    }

    /** The filters both read-outs take. */
    public static class Query {
        static final java.util.Set<String> NAMES = java.util.Set.of("studyUid", "patientId", "subject", "purpose", "from", "to", "limit", "offset");

        @QueryParam("studyUid")
        String study;
        @QueryParam("patientId")
        String patient;
        @QueryParam("subject")
        String subject;
        @QueryParam("purpose")
        String purpose;
        @QueryParam("from")
        String from;
        @QueryParam("to")
        String to;
        // Text, read by filter(): a parameter typed Integer that does not parse is a 404 in Quarkus
        // REST (a path that matched no resource), where the caller needs a 400 with the reason.
        @QueryParam("limit")
        String limit;
        @QueryParam("offset")
        String offset;

        /** The filters as given, for the record: {@code patientId=P-1; limit=100}. */
        String describe() {
            java.util.StringJoiner out = new java.util.StringJoiner("; ");
            java.util.Map<String, Object> given = new java.util.LinkedHashMap<>();
            given.put("studyUid", study);
            given.put("patientId", patient);
            given.put("subject", subject);
            given.put("purpose", purpose);
            given.put("from", from);
            given.put("to", to);
            given.put("limit", limit);
            given.put("offset", offset);
            given.forEach((k, v) -> {
                if (v != null) {
                    out.add(k + "=" + v);
                }
            });
            return out.length() == 0 ? "no filter" : out.toString();
        }

        AuditLog.Filter filter() {
            for (String v : new String[] {study, patient, subject, purpose}) {
                if (v != null && v.chars().anyMatch(Character::isISOControl)) {
                    // PostgreSQL holds no NUL in text: refused here, not answered 503 by the database.
                    throw new InvalidAuditQueryException("the filters may not contain control characters");
                }
                if (v != null && v.length() > 256) {
                    // The read is on record under the patient it looked up: no PatientID, UID, subject or purpose is this long.
                    throw new InvalidAuditQueryException("a filter is at most 256 characters");
                }
            }
            int l = whole(limit, 100);
            int o = whole(offset, 0);
            if (l < 1 || l > MAX_LIMIT || o < 0 || o > MAX_OFFSET) {
                throw new InvalidAuditQueryException("limit is 1 to " + MAX_LIMIT + " and offset 0 to " + MAX_OFFSET
                        + " (narrow the search by from and to to reach further)");
            }
            return new AuditLog.Filter(Optional.ofNullable(study), Optional.ofNullable(patient),
                    Optional.ofNullable(subject), Optional.ofNullable(purpose), instant(from, "from"), instant(to, "to"), l, o);
        }
    }

    @GET
    @Path("/verify")
    @Operation(summary = "Recompute the hash chain: valid with the number of rows, or the first broken row")
    public AuditLog.Verification verify(@QueryParam("keyedSince") String keyedSince,
                                        @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) throws SQLException {
        Caller caller = access.requireAnyRole("verifying the audit trail", Role.AUDITOR, Role.ADMIN);
        onlyKnownParameters(uri, java.util.Set.of("keyedSince"));
        Optional<Long> since = keyedSince(keyedSince);
        if (!VERIFYING.tryAcquire()) {
            throw new VerificationRunningException();
        }
        AuditLog.Verification v;
        try {
            v = since.isPresent() ? audit.verify(since) : audit.verify();
        } finally {
            VERIFYING.release();
        }
        // The whole trail was read: on record as its other read-outs are, after the verification,
        // so that the row is not part of what it verified. It names no patient: none was looked up.
        used(caller, "audit trail verified", "valid=" + v.valid() + since.map(s -> "; keyedSince=" + s).orElse(""), List.of());
        return v;
    }

    /** One verification at a time on a server (VerificationRunningException says why). */
    static final java.util.concurrent.Semaphore VERIFYING = new java.util.concurrent.Semaphore(1);

    private static Optional<Long> keyedSince(String keyedSince) {
        if (keyedSince == null) {
            return Optional.empty();
        }
        long since;
        try {
            since = Long.parseLong(keyedSince.trim());
        } catch (NumberFormatException e) {
            since = 0;
        }
        if (since < 1) {
            throw new InvalidAuditQueryException("keyedSince is the id of a row, a whole number from 1");
        }
        return Optional.of(since);
    }

    private static int whole(String value, int absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidAuditQueryException("limit and offset are whole numbers");
        }
    }

    private static Optional<Instant> instant(String value, String field) {
        if (value == null) {
            return Optional.empty();
        }
        Instant parsed;
        try {
            parsed = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidAuditQueryException(field + " must be an ISO 8601 instant");
        }
        if (parsed.isBefore(AuditLog.EARLIEST) || parsed.isAfter(AuditLog.LATEST)) {
            throw new InvalidAuditQueryException(field + " must lie between the years 1900 and 9999");
        }
        return Optional.of(parsed);
    }
}
