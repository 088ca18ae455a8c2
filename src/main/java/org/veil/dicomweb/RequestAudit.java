package org.veil.dicomweb;

import jakarta.enterprise.context.RequestScoped;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one DICOMweb request touched, gathered while it runs: the act, the studies (by original
 * UID, whatever UIDs the caller saw), the number of instances, and why it was denied. Written
 * by {@link RequestAuditFilter} before the response goes out.
 */
@RequestScoped
public class RequestAudit {
    private String action;
    private String eventId;
    private final Set<String> studies = new LinkedHashSet<>();
    private int instances;
    private String deniedReason;

    /** Marks the request as one the audit trail records. */
    public void begin(String action, String eventId) {
        this.action = action;
        this.eventId = eventId;
    }

    public void studies(Collection<String> originalStudyUids) {
        studies.addAll(originalStudyUids);
    }

    public void instances(int n) {
        instances = n;
    }

    /** Why access was denied; kept for the audit trail, never sent to the caller. */
    public void denied(String reason) {
        deniedReason = reason;
    }

    Optional<String> action() {
        return Optional.ofNullable(action);
    }

    String eventId() {
        return eventId;
    }

    List<String> studies() {
        return List.copyOf(studies);
    }

    int instances() {
        return instances;
    }

    Optional<String> deniedReason() {
        return Optional.ofNullable(deniedReason);
    }
}
