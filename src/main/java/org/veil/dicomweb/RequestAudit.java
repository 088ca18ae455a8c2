package org.veil.dicomweb;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.veil.audit.AuditEvent;
import org.veil.security.CurrentCaller;

/**
 * What one DICOMweb request touched, gathered while it runs: the act, the studies (by original
 * UID, whatever UIDs the caller saw), the number of instances, and why it was denied. Written
 * by {@link RequestAuditFilter} before the response goes out, unless the request already wrote
 * its row inside its own transaction ({@link #recorded()}: a store commits its index rows and
 * its audit row together).
 */
@RequestScoped
public class RequestAudit {
    @Inject
    CurrentCaller caller;
    @Inject
    CurrentVertxRequest http;
    /** A row's detail is a record of what was asked, not a copy of an arbitrarily long request. */
    private static final int MAX_DETAIL = 2_000;

    private String action;
    private String eventId;
    private final Set<String> studies = new LinkedHashSet<>();
    private final Set<String> patients = new LinkedHashSet<>();
    private int instances;
    private String deniedReason;
    private String detail;
    private boolean recorded;

    /** Marks the request as one the audit trail records. */
    public void begin(String action, String eventId) {
        this.action = action;
        this.eventId = eventId;
    }

    public void studies(Collection<String> originalStudyUids) {
        studies.addAll(originalStudyUids);
    }

    /** Patients the request was about beyond its studies' (a search by PatientID that found nothing). */
    public void patients(Collection<String> patientIds) {
        patients.addAll(patientIds);
    }

    public void instances(int n) {
        instances = n;
    }

    /** Why access was denied; kept for the audit trail, never sent to the caller. */
    public void denied(String reason) {
        deniedReason = reason;
    }

    /** What the request asked, in the caller's own terms (a search's query), for the row's detail. */
    public void detail(String value) {
        detail = value == null || value.length() <= MAX_DETAIL ? value : value.substring(0, MAX_DETAIL) + "…";
    }

    /** The row of this request, with what it gathered so far. */
    public AuditEvent event(AuditEvent.Outcome outcome, String reason, int instanceCount) {
        String ip = http.getCurrent() == null ? null : http.getCurrent().request().remoteAddress().hostAddress();
        AuditEvent e = AuditEvent.of(caller.forAudit(), ip, action, eventId, List.copyOf(studies), instanceCount, outcome, reason);
        if (!patients.isEmpty()) {
            e = e.withPatients(List.copyOf(patients));
        }
        return detail == null ? e : e.withDetail(detail);
    }

    /** The request wrote its own row, committed with what it changed; the filter writes none. */
    public void recorded() {
        recorded = true;
    }

    boolean isRecorded() {
        return recorded;
    }

    Optional<String> action() {
        return Optional.ofNullable(action);
    }

    int instances() {
        return instances;
    }

    Optional<String> deniedReason() {
        return Optional.ofNullable(deniedReason);
    }
}
