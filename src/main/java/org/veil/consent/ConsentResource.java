package org.veil.consent;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.resteasy.reactive.RestResponse;
import org.veil.audit.AuditEvent;
import org.veil.audit.AuditLog;
import org.veil.policy.Caller;
import org.veil.policy.Role;
import org.veil.security.StudyAccess;

/**
 * {@code /api/v1}: consents and shares, for an EHR integration or a script
 * (docs/consent-and-policy.md). Clinicians record, withdraw and revoke; auditors and admins read.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ConsentResource {
    private final ConsentRegistry registry;
    private final StudyAccess access;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    @Context
    HttpServerRequest request;

    /** veil.http.max-json-bytes, whose default the HTTP edge's configuration (dicomweb.HttpLimitsConfig) declares. */
    private final long maxJsonBytes;

    public ConsentResource(ConsentRegistry registry, StudyAccess access, AuditLog audit,
                           @ConfigProperty(name = "veil.http.max-json-bytes") long maxJsonBytes) {
        this.maxJsonBytes = maxJsonBytes;
        this.registry = registry;
        this.access = access;
        this.audit = audit;
    }

    /** Every change is on record in its own transaction: Patient Record events (DCM 110110). */
    private ConsentRegistry.OnChange audited(Caller caller, String action) {
        return (c, study, detail) -> audit.append(c, AuditEvent.of(caller, request == null ? null : request.remoteAddress().hostAddress(),
                action, AuditEvent.PATIENT_RECORD, List.of(study), 0, AuditEvent.Outcome.SUCCESS, null).withDetail(detail));
    }

    @POST
    @Path("/studies/{study}/consents")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record what the patient agreed to for a study")
    public RestResponse<ConsentRequests.Created> record(@PathParam("study") String study, @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ConsentRequests.NewConsent.class))) java.io.InputStream body)
            throws SQLException {
        Caller caller = access.requireAnyRole("recording consent", Role.CLINICIAN);
        String id = registry.record(study, StrictJson.read(body, ConsentRequests.NewConsent.class, maxJsonBytes), caller.subject(), now(), audited(caller, "consent recorded"));
        return created("/api/v1/consents/", id);
    }

    @GET
    @Path("/studies/{study}/consents")
    @Operation(summary = "The full consent history of a study, withdrawn consents included")
    public List<ConsentViews.ConsentView> history(@PathParam("study") String study) throws SQLException {
        Caller caller = access.requireAnyRole("reading consents", Role.CLINICIAN, Role.AUDITOR, Role.ADMIN);
        List<ConsentViews.ConsentView> history = registry.history(study, now());
        read(caller, "consents read", study);
        return history;
    }

    @GET
    @Path("/consents/{id}")
    @Operation(summary = "One consent, withdrawn or not: where a recorded consent's Location points")
    public ConsentViews.ConsentView consentById(@PathParam("id") String id) throws SQLException {
        Caller caller = access.requireAnyRole("reading consents", Role.CLINICIAN, Role.AUDITOR, Role.ADMIN);
        ConsentViews.ConsentView view = registry.find(id, now()).map(ConsentRegistry.Recorded::view)
                .orElseThrow(() -> ConsentApiException.unknown("unknown consent"));
        read(caller, "consents read", view.studyInstanceUid());
        return view;
    }

    @POST
    @Path("/consents/{id}/withdraw")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Withdraw a consent: effective on the next request; the study's derivatives are dropped")
    public ConsentViews.ConsentView withdraw(@PathParam("id") String id, @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ConsentRequests.Withdrawal.class))) java.io.InputStream body)
            throws SQLException, IOException {
        Caller caller = access.requireAnyRole("withdrawing consent", Role.CLINICIAN);
        return registry.withdraw(id, StrictJson.read(body, ConsentRequests.Withdrawal.class, maxJsonBytes), caller.subject(), now(), audited(caller, "consent withdrawn"));
    }

    @POST
    @Path("/studies/{study}/shares")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Grant a study for one purpose to a user, group, organisation or client until an expiry")
    public RestResponse<ConsentRequests.Created> share(@PathParam("study") String study, @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ConsentRequests.NewShare.class))) java.io.InputStream body)
            throws SQLException {
        Caller caller = access.requireAnyRole("sharing a study", Role.CLINICIAN);
        String id = registry.share(study, StrictJson.read(body, ConsentRequests.NewShare.class, maxJsonBytes), caller.subject(), now(), audited(caller, "study shared"));
        return created("/api/v1/shares/", id);
    }

    @GET
    @Path("/studies/{study}/shares")
    @Operation(summary = "Every share of a study, revoked and expired ones included")
    public List<ConsentViews.ShareView> shares(@PathParam("study") String study) throws SQLException {
        Caller caller = access.requireAnyRole("reading shares", Role.CLINICIAN, Role.AUDITOR, Role.ADMIN);
        List<ConsentViews.ShareView> shares = registry.shareHistory(study, now());
        read(caller, "shares read", study);
        return shares;
    }

    /**
     * A read of what a patient agreed to, or of who a study is shared with, is a read of the patient's
     * record (DCM 110110, action R): on record before the answer.
     */
    private void read(Caller caller, String action, String study) throws SQLException {
        audit.record(AuditEvent.of(caller, request == null ? null : request.remoteAddress().hostAddress(), action,
                AuditEvent.PATIENT_RECORD, List.of(study), 0, AuditEvent.Outcome.SUCCESS, null));
    }

    @GET
    @Path("/shares/{id}")
    @Operation(summary = "One share, revoked or expired or not: where a recorded share's Location points")
    public ConsentViews.ShareView shareById(@PathParam("id") String id) throws SQLException {
        Caller caller = access.requireAnyRole("reading shares", Role.CLINICIAN, Role.AUDITOR, Role.ADMIN);
        ConsentViews.ShareView view = registry.findShare(id, now()).orElseThrow(() -> ConsentApiException.unknown("unknown share"));
        read(caller, "shares read", view.studyInstanceUid());
        return view;
    }

    @DELETE
    @Path("/shares/{id}")
    @Operation(summary = "Revoke a share; it stays in the history")
    public RestResponse<Void> revoke(@PathParam("id") String id) throws SQLException, IOException {
        Caller caller = access.requireAnyRole("revoking a share", Role.CLINICIAN);
        registry.revoke(id, caller.subject(), now(), audited(caller, "share revoked"));
        return RestResponse.noContent();
    }

    private static RestResponse<ConsentRequests.Created> created(String collection, String id) {
        return RestResponse.ResponseBuilder.<ConsentRequests.Created>created(URI.create(collection + id))
                .entity(new ConsentRequests.Created(id)).build();
    }

    /** PostgreSQL keeps microseconds; a finer "now" would round and fall on either side of what it stored. */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
