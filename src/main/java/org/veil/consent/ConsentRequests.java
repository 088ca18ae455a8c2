package org.veil.consent;

import java.util.List;

/**
 * The JSON bodies of the consent API (docs/consent-and-policy.md). Read by {@link StrictJson}
 * rather than by the REST layer, so the native build is told they are deserialised.
 */
@io.quarkus.runtime.annotations.RegisterForReflection(targets = {ConsentRequests.Evidence.class,
        ConsentRequests.NewConsent.class, ConsentRequests.Withdrawal.class, ConsentRequests.Audience.class,
        ConsentRequests.NewShare.class})
public final class ConsentRequests {

    private ConsentRequests() {
    }

    public record Evidence(String reference, String sha256) {
    }

    public record NewConsent(List<String> scopes, String method, Evidence evidence, String validFrom, String validUntil) {
    }

    public record Withdrawal(String reason) {
    }

    public record Audience(String type, String id) {
    }

    public record NewShare(String purpose, Audience audience, String expiresAt) {
    }

    /** Sent as a Response entity, so the native build must be told it is serialised. */
    @io.quarkus.runtime.annotations.RegisterForReflection
    public record Created(String id) {
    }
}
