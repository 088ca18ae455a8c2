package org.veil.dicomweb;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.sql.SQLException;
import org.veil.dicom.QueryLevel;
import org.veil.index.InvalidQueryException;
import org.veil.index.QidoRequest;
import org.veil.index.QidoResult;
import org.veil.index.QidoSearch;
import org.veil.audit.AuditEvent;
import org.veil.index.SearchScope;
import org.veil.security.StudyAccess;

/** QIDO-RS, PS3.18 10.6: searches for studies, series and instances. */
@Path("/dicomweb")
public class QidoResource {
    private final QidoSearch search;
    private final Visibility visibility;
    private final StudyAccess access;
    private final RequestAudit audit;
    private final QidoRequest.Paging paging;
    private final long maxResponseBytes;
    private final java.time.Duration timeout;
    private final SearchGate gate;

    public QidoResource(QidoSearch search, Visibility visibility, StudyAccess access, RequestAudit audit, DicomWebConfig config,
                        SearchGate gate) {
        this.search = search;
        this.gate = gate;
        this.access = access;
        this.visibility = visibility;
        this.audit = audit;
        this.paging = new QidoRequest.Paging(config.defaultQueryLimit(), config.maxQueryLimit());
        this.maxResponseBytes = config.maxQueryResponseBytes();
        this.timeout = config.queryTimeout();
    }

    @GET
    @Path("studies")
    public Response searchStudies(@Context UriInfo uri, @HeaderParam("Accept") String accept)
            throws InvalidRequestException, InvalidQueryException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return query(QueryLevel.STUDY, null, null, uri, accept);
    }

    @GET
    @Path("series")
    public Response searchSeries(@Context UriInfo uri, @HeaderParam("Accept") String accept)
            throws InvalidRequestException, InvalidQueryException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return query(QueryLevel.SERIES, null, null, uri, accept);
    }

    @GET
    @Path("instances")
    public Response searchInstances(@Context UriInfo uri, @HeaderParam("Accept") String accept)
            throws InvalidRequestException, InvalidQueryException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return query(QueryLevel.INSTANCE, null, null, uri, accept);
    }

    @GET
    @Path("studies/{study}/series")
    public Response searchStudySeries(@PathParam("study") String study, @Context UriInfo uri,
                                @HeaderParam("Accept") String accept)
            throws InvalidRequestException, InvalidQueryException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return query(QueryLevel.SERIES, study, null, uri, accept);
    }

    @GET
    @Path("studies/{study}/instances")
    public Response searchStudyInstances(@PathParam("study") String study, @Context UriInfo uri,
                                   @HeaderParam("Accept") String accept)
            throws InvalidRequestException, InvalidQueryException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return query(QueryLevel.INSTANCE, study, null, uri, accept);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances")
    public Response searchSeriesInstances(@PathParam("study") String study, @PathParam("series") String series,
                                    @Context UriInfo uri, @HeaderParam("Accept") String accept)
            throws InvalidRequestException, InvalidQueryException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return query(QueryLevel.INSTANCE, study, series, uri, accept);
    }

    /** The PatientID a search asks for, when it names exactly one: no wildcard, no list. */
    private static java.util.Optional<String> onePatient(UriInfo uri) {
        java.util.List<String> values = new java.util.ArrayList<>();
        for (String key : new String[] {"PatientID", "00100020"}) {
            java.util.List<String> v = uri.getQueryParameters().get(key);
            if (v != null) {
                values.addAll(v);
            }
        }
        if (values.size() != 1) {
            return java.util.Optional.empty();
        }
        String id = values.get(0).trim();
        return id.isEmpty() || id.length() > 64 || id.chars().anyMatch(c -> c == '*' || c == '?' || c == '\\' || c == ',' || c < 0x20)
                ? java.util.Optional.empty() : java.util.Optional.of(id);
    }

    private Response query(QueryLevel level, String study, String series, UriInfo uri, String accept)
            throws InvalidRequestException, InvalidQueryException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        audit.begin("query " + level.name().toLowerCase(java.util.Locale.ROOT), AuditEvent.QUERY);
        // The query as asked (PS3.15 A.5.3: a query event carries its query), so that a search that
        // found nothing still shows what it looked for.
        String asked = uri.getRequestUri().getRawQuery();
        if (asked != null && !asked.isEmpty()) {
            audit.detail("query: " + asked);
        }
        // Who may search comes before what is asked (401, then 403, then 400 or 406: docs/security.md).
        org.veil.policy.Caller caller = access.requireReader();
        if (caller.grantedPurpose().filter(p -> p == org.veil.policy.Purpose.TREATMENT).isPresent()) {
            // A search for one patient is filed under that patient even when it finds nothing
            // (IHE BALP's patient query): the patient's own trail shows who looked. Outside
            // treatment a PatientID asked is a pseudonym, not a patient of the trail.
            onePatient(uri).ifPresent(p -> audit.patients(java.util.List.of(p)));
        }
        if (study != null) {
            InstanceRef.check(study, "StudyInstanceUID");
        }
        if (series != null) {
            InstanceRef.check(series, "SeriesInstanceUID");
        }
        boolean xml = Negotiation.metadata(accept, "search results");
        QidoRequest request = QidoRequest.parse(level, study, series, uri.getQueryParameters(), paging);
        Visibility.Search visible = visibility.forSearch(request.singleStudy());
        SearchScope scope = visible.scope();
        QidoResult result;
        try (org.veil.dicom.ComputeGate.Turn turn = gate.enter()) {
            result = search.search(request, ServiceUrls.base(uri), scope, maxResponseBytes, timeout);
        }
        audit.studies(result.originalStudies());
        audit.instances(level == QueryLevel.INSTANCE ? result.objects().size() : 0);
        String pending = visible.pendingStudies() == 0 ? null : "299 veil \"" + (visible.morePending() ? "More than " : "")
                + visible.pendingStudies() + " studies this search may see are still being prepared and are not in this answer; search again shortly\"";
        java.util.List<String> warnings = new java.util.ArrayList<>();
        if (pending != null) {
            warnings.add(pending);
        }
        for (String name : request.notPerformed()) {
            // PS3.18 8.3.4.5 and 8.3.4.6 give these words.
            String matching = name.equals("emptyvaluematching") ? "Empty Value Matching" : "Multiple Value Matching";
            warnings.add("299 veil \"The " + name + " parameter is not supported. " + matching + " has not been performed.\"");
        }
        if (result.objects().isEmpty()) {
            Response.ResponseBuilder none = Response.noContent();
            warnings.forEach(w -> none.header("Warning", w));
            // As a page of matches: that nothing matched is an answer about patients too.
            return none.header("Cache-Control", "no-store").header("Vary", "Accept").build();
        }
        Response.ResponseBuilder r = xml ? xml(result.objects())
                : Response.ok("[" + String.join(",", result.objects()) + "]").type("application/dicom+json");
        if (result.remaining() > 0) {
            r.header("Warning", "299 veil \"There are " + (result.moreThanRemaining() ? "more than " : "")
                    + result.remaining() + " additional results that can be requested\"");
        }
        warnings.forEach(w -> r.header("Warning", w));
        // Patient data, kept by no cache (docs/security.md), as metadata and instances.
        return r.header("Cache-Control", "no-store").header("Vary", "Accept").build();
    }

    /** Search results as Native DICOM Model documents, one part each (PS3.18 10.6.3, PS3.19 A.1). */
    private static Response.ResponseBuilder xml(java.util.List<String> objects) throws IOException {
        String boundary = org.veil.dicom.MultipartWriter.newBoundary();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        org.veil.dicom.MultipartWriter mp = new org.veil.dicom.MultipartWriter(body, boundary);
        for (String json : objects) {
            mp.startPart(Negotiation.DICOM_XML);
            org.veil.dicom.DicomXmlWriter.write(json, mp.stream());
        }
        mp.finish();
        return Response.ok(body.toByteArray()).type("multipart/related; type=\"" + Negotiation.DICOM_XML + "\"; boundary=" + boundary);
    }
}
