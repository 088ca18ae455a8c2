package org.veil.consent;

import java.util.List;

/** The JSON answers of the consent API: a consent or share with its whole history. */
public final class ConsentViews {

    private ConsentViews() {
    }

    public record Withdrawn(String by, String at, String reason) {
    }

    public record ConsentView(String id, String studyInstanceUid, List<String> scopes, String method,
                              ConsentRequests.Evidence evidence, String recordedBy, String recordedAt, String validFrom,
                              String validUntil, Withdrawn withdrawal, boolean active,
                              @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                              String patientConsent) {
    }

    public record Revoked(String by, String at) {
    }

    public record ShareView(String id, String studyInstanceUid, String purpose, ConsentRequests.Audience audience,
                            String expiresAt, String createdBy, String createdAt, Revoked revocation, boolean active) {
    }
}
