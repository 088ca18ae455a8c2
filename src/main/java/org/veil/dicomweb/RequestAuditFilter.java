package org.veil.dicomweb;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.veil.audit.AuditEvent;
import org.veil.audit.AuditLog;
import org.veil.logging.Failures;

/**
 * Writes the audit row of every DICOMweb request that marked itself with {@link RequestAudit},
 * after the answer is decided and before any of its body is sent, so that nothing leaves Veil
 * unrecorded. When the row cannot be written, the answer becomes 503 instead.
 */
public class RequestAuditFilter {
    private static final Logger LOG = Logger.getLogger(RequestAuditFilter.class);

    @Inject
    RequestAudit audit;
    @Inject
    AuditLog log;

    @ServerResponseFilter
    public void record(ContainerResponseContext response) {
        if (audit.action().isEmpty()) {
            return;
        }
        if (!audit.isRecorded()) {
            write(response);
        }
        // The request log: the act and its status, never a UID or a value; the line carries the
        // request id (the log format's %X{requestId}), which the answer carries as X-Request-Id.
        LOG.debugf("%s answered %d", audit.action().get(), response.getStatus());
    }

    private void write(ContainerResponseContext response) {
        int status = response.getStatus();
        AuditEvent.Outcome outcome = status < 400 ? AuditEvent.Outcome.SUCCESS
                : status == 401 || status == 403 || status == 404 ? AuditEvent.Outcome.DENIED : AuditEvent.Outcome.FAILED;
        String reason = audit.deniedReason()
                .orElse(status >= 400 && response.getEntity() instanceof ErrorBody e ? e.reason() : null);
        // What was sent when it was not the whole: the client already held it (304), or asked for
        // part of a frame or value (206). The instances reached are on the row either way.
        String sent = status == 304 ? "not modified: nothing sent (If-None-Match)"
                : status == 206 ? "partial content: a byte range (Range)" : null;
        try {
            AuditEvent event = audit.event(outcome, reason, status < 400 ? audit.instances() : 0);
            log.record(sent == null ? event : event.withDetail(sent));
        } catch (SQLException | RuntimeException e) {
            LOG.errorf("audit row could not be written (%s); answering 503", Failures.describe(e));
            response.setStatus(503);
            response.getHeaders().putSingle("Retry-After", "5");
            response.setEntity(new ErrorBody(503, "the audit trail is unavailable; nothing was sent"),
                    new java.lang.annotation.Annotation[0], MediaType.APPLICATION_JSON_TYPE);
        }
    }
}
