package org.veil.dicomweb;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.veil.audit.AuditEvent;
import org.veil.audit.AuditLog;
import org.veil.logging.Failures;

/**
 * Writes the audit row of every DICOMweb request that marked itself with {@link RequestAudit},
 * after the answer is decided and before any of its body is sent, so that nothing leaves Veil
 * unrecorded. When the row cannot be written, the answer becomes 503 instead.
 *
 * <p>Also the row of an attempt to change consents or shares that was refused ({@code /api/v1}
 * and FHIR Consent, any 4xx or 5xx): the changes that succeed are on record with what they changed, in
 * their own transaction; a refused one is an attempt on the patient's record all the same. And
 * the row of a refused read of the registry or of the audit trail: the reads that succeed are on
 * record, and someone trying to look up a patient without the right is what an auditor looks for.
 */
public class RequestAuditFilter {
    private static final Logger LOG = Logger.getLogger(RequestAuditFilter.class);
    private static final java.util.Set<String> CHANGES = java.util.Set.of("POST", "PUT", "DELETE", "PATCH");
    /** The study a consent route names, when it is UID-shaped: what the refused attempt was about. */
    private static final Pattern STUDY_PATH = Pattern.compile("/api/v1/studies/([0-9]+(?:\\.[0-9]+)*)/[a-z]+/?");
    /** A consent or share named by its id (a read, a withdrawal, a revocation). */
    private static final Pattern RECORD_PATH = Pattern.compile("/api/v1/(consents|shares)/([0-9a-fA-F-]{36})(?:/withdraw)?/?");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Inject
    RequestAudit audit;
    @Inject
    AuditLog log;
    @Inject
    org.veil.consent.ConsentRegistry registry;

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response) {
        // Refused by the resource (role, purpose, body, the record's state) on a worker thread; what the HTTP
        // layer refuses on the event loop (a media type, a method) reached no record and writes no row there.
        java.util.Optional<Refused> refused = audit.action().isEmpty() && !io.vertx.core.Context.isOnEventLoopThread()
                ? refusedAct(request.getMethod(), request.getUriInfo().getPath(), response.getStatus()) : java.util.Optional.empty();
        if (refused.isPresent()) {
            audit.begin(refused.get().action(), refused.get().eventId());
            Matcher study = STUDY_PATH.matcher(request.getUriInfo().getPath());
            // Filed under the study only when the path names one a UID can be (PS3.5 9.1: 64 characters at most).
            if (study.matches() && study.group(1).length() <= 64) {
                audit.studies(java.util.List.of(study.group(1)));
            }
            // A refused request about a consent or share by its id is filed under that record's
            // study, so a privacy officer reading the study's trail sees the attempt.
            Matcher record = RECORD_PATH.matcher(request.getUriInfo().getPath());
            if (record.matches()) {
                try {
                    registry.studyOf(record.group(1).equals("shares") ? org.veil.consent.ConsentRegistry.RecordKind.SHARE
                            : org.veil.consent.ConsentRegistry.RecordKind.CONSENT, record.group(2)).ifPresent(s -> audit.studies(java.util.List.of(s)));
                } catch (SQLException e) {
                    LOG.warnf("the study of a refused request's record could not be read (%s)", Failures.describe(e));
                }
            }
        }
        if (audit.action().isEmpty()) {
            return;
        }
        if (!audit.isRecorded()) {
            write(response, request.getUriInfo().getPath().startsWith("/fhir/"));
        }
        // The request log: the act and its status, never a UID or a value; the line carries the
        // request id (the log format's %X{requestId}), which the answer carries as X-Request-Id.
        LOG.debugf("%s answered %d", audit.action().get(), response.getStatus());
    }

    /**
     * The act of a request to the consent and share routes, FHIR Consent, or the audit trail,
     * answered with a 4xx or a 5xx (the identity provider or the database unavailable: an attempt
     * on the patient's record all the same), and its DICOM event: a change refused, or a read
     * refused; none for other routes, whose rows their resources write.
     */
    record Refused(String action, String eventId) {
    }

    static java.util.Optional<Refused> refusedAct(String method, String path, int status) {
        if (status < 400) {
            return java.util.Optional.empty();
        }
        boolean record = path.startsWith("/api/v1/studies/") || path.startsWith("/api/v1/consents/") || path.startsWith("/api/v1/shares/")
                || path.equals("/fhir/r4/Consent") || path.startsWith("/fhir/r4/Consent/");
        if (record) {
            return java.util.Optional.of(new Refused(CHANGES.contains(method) ? "consent change refused"
                    : "consent record read refused", AuditEvent.PATIENT_RECORD));
        }
        if (path.equals("/api/v1/audit") || path.startsWith("/api/v1/audit/") || path.equals("/fhir/r4/AuditEvent")) {
            return java.util.Optional.of(new Refused("audit trail read refused", AuditEvent.AUDIT_LOG_USED));
        }
        return java.util.Optional.empty();
    }

    /** The reason of a refusal: Veil's JSON body, or a FHIR OperationOutcome's first diagnostics. */
    private static String reasonOf(Object entity) {
        if (entity instanceof ErrorBody e) {
            return e.reason();
        }
        if (entity instanceof String s && s.contains("OperationOutcome")) {
            try {
                String diagnostics = JSON.readTree(s).path("issue").path(0).path("diagnostics").asText("");
                return diagnostics.isEmpty() ? null : diagnostics;
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private void write(ContainerResponseContext response, boolean fhir) {
        int status = response.getStatus();
        AuditEvent.Outcome outcome = status < 400 ? AuditEvent.Outcome.SUCCESS
                : status == 401 || status == 403 || status == 404 ? AuditEvent.Outcome.DENIED
                : status >= 500 ? AuditEvent.Outcome.ERROR : AuditEvent.Outcome.FAILED;
        String reason = audit.deniedReason().orElse(status >= 400 ? reasonOf(response.getEntity()) : null);
        // What was sent when it was not the whole: the client already held it (304), or asked for
        // part of a frame or value (206). The instances reached are on the row either way.
        String sent = status == 304 ? "not modified: nothing sent (If-None-Match)"
                : status == 206 ? "partial content: a byte range (Range)" : null;
        try {
            AuditEvent event = audit.event(outcome, reason, status < 400 ? audit.instances() : 0);
            log.record(sent == null ? event : event.withDetail(event.detail() == null ? sent : event.detail() + "; " + sent));
        } catch (SQLException | RuntimeException e) {
            LOG.errorf("audit row could not be written (%s); answering 503", Failures.describe(e));
            response.setStatus(503);
            response.getHeaders().putSingle("Retry-After", "5");
            // The answer decided before is not sent, nor its Warning.
            response.getHeaders().remove("Warning");
            String unavailable = "the audit trail is unavailable; nothing was sent";
            if (fhir) {
                response.setEntity("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"transient\","
                        + "\"diagnostics\":\"" + unavailable + "\"}]}", new java.lang.annotation.Annotation[0],
                        MediaType.valueOf("application/fhir+json"));
            } else {
                response.setEntity(new ErrorBody(503, unavailable), new java.lang.annotation.Annotation[0], MediaType.APPLICATION_JSON_TYPE);
            }
        }
    }
}
