package org.veil.fhir;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.veil.audit.AuditConfig;
import org.veil.audit.AuditEvent;
import org.veil.audit.AuditLog;
import org.veil.consent.ConsentApiException;
import org.veil.policy.Caller;
import org.veil.policy.Role;
import org.veil.security.AccessRefusedException;
import org.veil.security.StudyAccess;

/**
 * {@code /fhir/r4}: consent in and audit out in HL7 FHIR R4 (docs/consent-and-policy.md, "FHIR"),
 * behind the same tokens and roles as {@code /api/v1}: clinicians record and withdraw consents;
 * clinicians, auditors and admins read them; auditors and admins read the trail. Answers are
 * {@code application/fhir+json}; refusals are OperationOutcomes.
 */
@Path("/fhir/r4")
@Produces({FhirJson.MEDIA_TYPE, "application/json"})
public class FhirResource {
    private static final String FHIR_JSON = FhirJson.MEDIA_TYPE + ";charset=UTF-8";

    private final FhirJson json;
    private final FhirConsents consents;
    private final AuditLog audit;
    private final AuditConfig auditConfig;
    private final StudyAccess access;
    private final long maxJsonBytes;
    private final Clock clock = Clock.systemUTC();

    @Context
    HttpServerRequest request;

    @Context
    UriInfo uri;

    public FhirResource(FhirJson json, FhirConsents consents, AuditLog audit, AuditConfig auditConfig, StudyAccess access,
                        @ConfigProperty(name = "veil.http.max-json-bytes") long maxJsonBytes) {
        this.json = json;
        this.consents = consents;
        this.audit = audit;
        this.auditConfig = auditConfig;
        this.access = access;
        this.maxJsonBytes = maxJsonBytes;
    }

    @GET
    @Path("/metadata")
    @Operation(summary = "The FHIR CapabilityStatement: Consent (create, read, update, search) and AuditEvent (search)")
    public RestResponse<String> metadata() {
        formatOnly();
        return ok(Capabilities.statement(base()));
    }

    @POST
    @Path("/Consent")
    @Consumes("*/*")
    @Operation(summary = "Record a FHIR R4 Consent in Veil's consent registry")
    public RestResponse<String> create(@HeaderParam("Content-Type") String contentType, InputStream body) throws SQLException {
        Caller caller = access.requireAnyRole("recording consent", Role.CLINICIAN);
        Consent stored = consents.create(json.read(fhirJson(contentType, body), Consent.class, maxJsonBytes), caller, sourceIp(), now());
        // The version's URL (FHIR R4 http.html#create: the Location SHALL be [base]/[type]/[id]/_history/[vid]).
        return RestResponse.ResponseBuilder.<String>created(URI.create(base() + "Consent/" + stored.getIdPart() + "/_history/"
                        + stored.getMeta().getVersionId()))
                .header("ETag", "W/\"" + stored.getMeta().getVersionId() + "\"")
                .type(FHIR_JSON).entity(json.write(stored)).build();
    }

    @GET
    @Path("/Consent/{id}")
    @Operation(summary = "A consent as FHIR, withdrawn ones with status inactive")
    public RestResponse<String> read(@PathParam("id") String id) throws SQLException {
        Caller caller = access.requireAnyRole("reading consents", Role.CLINICIAN, Role.AUDITOR, Role.ADMIN);
        formatOnly();
        Consent c = consents.get(id, caller, sourceIp(), now());
        return RestResponse.ResponseBuilder.<String>ok(json.write(c)).header("ETag", "W/\"" + c.getMeta().getVersionId() + "\"")
                .type(FHIR_JSON).build();
    }

    @GET
    @Path("/Consent/{id}/_history")
    @Operation(summary = "A consent's versions, newest first: as recorded, and withdrawn")
    public RestResponse<String> consentHistory(@PathParam("id") String id) throws SQLException {
        Caller caller = access.requireAnyRole("reading consents", Role.CLINICIAN, Role.AUDITOR, Role.ADMIN);
        formatOnly();
        Bundle b = new Bundle().setType(Bundle.BundleType.HISTORY);
        for (Consent c : consents.history(id, caller, sourceIp(), now())) {
            // A history entry says what made its version (bdl-3, bdl-4): version 1 its create,
            // version 2 the update that withdrew it.
            boolean created = "1".equals(c.getMeta().getVersionId());
            Bundle.BundleEntryComponent entry = b.addEntry().setFullUrl(base() + "Consent/" + c.getIdPart()).setResource(c);
            entry.getRequest().setMethod(created ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT)
                    .setUrl(created ? "Consent" : "Consent/" + c.getIdPart());
            entry.getResponse().setStatus(created ? "201 Created" : "200 OK").setEtag("W/\"" + c.getMeta().getVersionId() + "\"");
        }
        b.setTotal(b.getEntry().size());
        return ok(b);
    }

    @GET
    @Path("/Consent/{id}/_history/{version}")
    @Operation(summary = "One version of a consent (vread)")
    public RestResponse<String> version(@PathParam("id") String id, @PathParam("version") String version) throws SQLException {
        Caller caller = access.requireAnyRole("reading consents", Role.CLINICIAN, Role.AUDITOR, Role.ADMIN);
        formatOnly();
        Consent c = consents.history(id, caller, sourceIp(), now()).stream()
                .filter(v -> v.getMeta().getVersionId().equals(version)).findFirst()
                .orElseThrow(() -> FhirProblem.notFound("no such version of this consent"));
        return RestResponse.ResponseBuilder.<String>ok(json.write(c)).header("ETag", "W/\"" + version + "\"").type(FHIR_JSON).build();
    }

    @PUT
    @Path("/Consent/{id}")
    @Consumes("*/*")
    @Operation(summary = "Withdraw a consent: status inactive or rejected; effective on the next request")
    public RestResponse<String> update(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType, InputStream body)
            throws SQLException {
        Caller caller = access.requireAnyRole("withdrawing consent", Role.CLINICIAN);
        Consent c = consents.update(id, json.read(fhirJson(contentType, body), Consent.class, maxJsonBytes), caller, sourceIp(), now());
        return RestResponse.ResponseBuilder.<String>ok(json.write(c)).header("ETag", "W/\"" + c.getMeta().getVersionId() + "\"")
                .type(FHIR_JSON).build();
    }

    @GET
    @Path("/Consent")
    @Operation(summary = "A patient's consents: patient.identifier=[system|]PatientID")
    public RestResponse<String> searchConsents() throws SQLException {
        Caller caller = access.requireAnyRole("reading consents", Role.CLINICIAN, Role.AUDITOR, Role.ADMIN);
        Map<String, List<String>> params = params();
        for (String name : params.keySet()) {
            if (!name.equals("patient.identifier") && !name.equals("_format")) {
                throw FhirProblem.notSupported(400, null, "unsupported search parameter; Consent is searched by patient.identifier");
            }
        }
        List<String> token = params.getOrDefault("patient.identifier", List.of());
        if (token.size() != 1 || token.get(0).isBlank() || token.get(0).endsWith("|")) {
            throw FhirProblem.invalid(400, "patient.identifier", "search consents by one patient.identifier: [system|]PatientID");
        }
        String t = token.get(0);
        if (t.chars().anyMatch(Character::isISOControl)) {
            throw FhirProblem.invalid(400, "patient.identifier", "a patient identifier holds no control characters");
        }
        PatientToken patient = PatientToken.parse(t);
        List<Consent> found = consents.ofPatient(patient.patientId(), patient.issuer(), caller, sourceIp(), now());
        Bundle b = FhirConsents.searchset(found, base());
        b.addLink().setRelation("self").setUrl(uri.getRequestUri().toString());
        return ok(b);
    }

    @GET
    @Path("/AuditEvent")
    @Operation(summary = "The audit trail as IHE BALP AuditEvents, by date, patient.identifier, purpose and agent, paged")
    public RestResponse<String> searchAuditEvents() throws SQLException {
        Caller caller = access.requireAnyRole("reading the audit trail", Role.AUDITOR, Role.ADMIN);
        AuditEventSearch search = AuditEventSearch.of(params());
        List<AuditLog.Stored> rows = search.matchesNothing() ? List.of() : audit.query(search.filter());
        // Reading the trail reads patient identifiers: on record before the answer (DCM 110101).
        // Filed under the patient searched for and every patient the page names, so that a
        // patient's own trail shows who looked, however the rows were found (by date, by agent).
        audit.record(AuditEvent.of(caller, sourceIp(), "audit trail read", AuditEvent.AUDIT_LOG_USED, List.of(), 0,
                AuditEvent.Outcome.SUCCESS, null).withDetail(search.describe())
                .withPatients(AuditLog.patientsRead(search.filter().patientId(), rows)));
        Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        String self = uri.getRequestUri().toString();
        b.addLink().setRelation("self").setUrl(self);
        if (rows.size() == search.filter().limit()) {
            b.addLink().setRelation("next").setUrl(uri.getRequestUriBuilder()
                    .replaceQueryParam("_offset", search.filter().offset() + rows.size())
                    .replaceQueryParam("_count", search.filter().limit()).build().toString());
        }
        if (search.filter().offset() > 0) {
            b.addLink().setRelation("previous").setUrl(uri.getRequestUriBuilder()
                    .replaceQueryParam("_offset", Math.max(0, search.filter().offset() - search.filter().limit())).build().toString());
        }
        for (AuditLog.Stored row : rows) {
            b.addEntry().setFullUrl(base() + "AuditEvent/" + row.id())
                    .setResource(AuditEventMapping.render(row, auditConfig.sourceId(), auditConfig.siteId()))
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return ok(b);
    }

    /** The body, if it is FHIR JSON (or plain JSON): anything else is 415. */
    private static InputStream fhirJson(String contentType, InputStream body) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!type.equals(FhirJson.MEDIA_TYPE) && !type.equals("application/json")) {
            throw FhirProblem.notSupported(415, null, "send the resource as application/fhir+json");
        }
        return body;
    }

    /**
     * A read takes no search parameter: {@code _format} is checked as for a search (an XML one is
     * 406, not answered in JSON as if asked for it), and anything else is refused rather than
     * ignored, as a search's unknown parameter is.
     */
    private void formatOnly() {
        for (String name : params().keySet()) {
            if (!name.equals("_format")) {
                throw FhirProblem.notSupported(400, null, "unsupported parameter; a read takes only _format");
            }
        }
    }

    private Map<String, List<String>> params() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        MultivaluedMap<String, String> q = uri.getQueryParameters();
        q.forEach((k, v) -> out.put(k, List.copyOf(v)));
        for (String format : out.getOrDefault("_format", List.of())) {
            if (!List.of("json", "application/json", "application/fhir+json").contains(format)) {
                throw FhirProblem.notSupported(406, "_format", "Veil answers FHIR in JSON only");
            }
        }
        return out;
    }

    /** The service base as the client reached it (forwarded headers of a trusted proxy included). */
    private String base() {
        return uri.getBaseUri().resolve("fhir/r4/").toString();
    }

    private String sourceIp() {
        return request == null ? null : request.remoteAddress().hostAddress();
    }

    /** PostgreSQL keeps microseconds; a finer "now" would round and fall on either side of what it stored. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private RestResponse<String> ok(IBaseResource resource) {
        return RestResponse.ResponseBuilder.<String>ok(json.write(resource)).type(FHIR_JSON).build();
    }

    private RestResponse<String> outcome(int status, OperationOutcome.IssueType type, String expression, String diagnostics) {
        return RestResponse.ResponseBuilder.<String>create(status)
                .type(FHIR_JSON).entity(json.write(FhirJson.outcome(type, expression, diagnostics))).build();
    }

    // Refusals on these routes are OperationOutcomes, as FHIR clients expect; elsewhere Veil's JSON errors.

    @ServerExceptionMapper
    public RestResponse<String> problem(FhirProblem e) {
        return outcome(e.status(), e.type(), e.expression(), e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<String> refused(AccessRefusedException e) {
        return outcome(403, OperationOutcome.IssueType.FORBIDDEN, null, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<String> consentApi(ConsentApiException e) {
        return outcome(e.status(), e.status() == 503 ? OperationOutcome.IssueType.TRANSIENT : OperationOutcome.IssueType.PROCESSING,
                null, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<String> database(SQLException e) {
        org.jboss.logging.Logger.getLogger(FhirResource.class).errorf("database error (%s)", org.veil.logging.Failures.describe(e));
        RestResponse<String> r = outcome(503, OperationOutcome.IssueType.TRANSIENT, null,
                "the database could not complete the request; nothing was changed");
        r.getHeaders().add("Retry-After", "5");
        return r;
    }
}
