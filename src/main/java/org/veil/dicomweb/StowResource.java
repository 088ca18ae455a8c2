package org.veil.dicomweb;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;
import org.veil.dicom.MalformedMultipartException;
import org.veil.security.StudyAccess;

/** STOW-RS, PS3.18 10.5: {@code POST /studies} and {@code POST /studies/{study}}. */
@Path("/dicomweb")
public class StowResource {
    private final StoreService service;
    private final StudyAccess access;
    private final RequestAudit audit;
    private final DicomWebConfig config;

    public StowResource(StoreService service, StudyAccess access, RequestAudit audit, DicomWebConfig config) {
        this.service = service;
        this.access = access;
        this.audit = audit;
        this.config = config;
    }

    @POST
    @Path("studies")
    @Consumes("*/*")
    @Produces({"application/dicom+json", "application/json", "application/dicom+xml"})
    public RestResponse<String> store(@HeaderParam("Content-Type") String contentType, @HeaderParam("Accept") String accept,
                                      InputStream body, @Context UriInfo uri)
            throws IOException, MalformedMultipartException, UnsupportedMediaTypeException, NotAcceptableException {
        admit();
        boolean xml = Negotiation.storeResponseXml(accept);
        return respond(service.store(upload(body), boundaryOf(contentType), Optional.empty(), ServiceUrls.base(uri)), xml);
    }

    @POST
    @Path("studies/{study}")
    @Consumes("*/*")
    @Produces({"application/dicom+json", "application/json", "application/dicom+xml"})
    public RestResponse<String> storeInStudy(@PathParam("study") String study, @HeaderParam("Content-Type") String contentType,
                                             @HeaderParam("Accept") String accept, InputStream body, @Context UriInfo uri)
            throws IOException, MalformedMultipartException, UnsupportedMediaTypeException, InvalidRequestException,
            NotAcceptableException {
        admit();
        InstanceRef.check(study, "StudyInstanceUID");
        boolean xml = Negotiation.storeResponseXml(accept);
        return respond(service.store(upload(body), boundaryOf(contentType), Optional.of(study), ServiceUrls.base(uri)), xml);
    }

    /**
     * The request's audit row begun, and the caller's right to store checked: before anything in
     * the request is read, so that a refused store is on record and a 403 comes before a 400.
     */
    private void admit() {
        audit.begin("store", org.veil.audit.AuditEvent.INSTANCES_TRANSFERRED);
        access.requireStore();
    }

    private InputStream upload(InputStream body) {
        return new UploadBody(body, config.minUploadBytesPerSecond(), config.uploadGrace());
    }

    /** The response in the negotiated form: DICOM JSON, or the same data set as a Native DICOM Model document (PS3.19). */
    private RestResponse<String> respond(StoreResult result, boolean xml) throws IOException {
        // A String either way: Quarkus REST writes a byte[] entity of a JSON type as base64.
        String body = StoreResponseJson.of(result);
        if (xml) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            org.veil.dicom.DicomXmlWriter.write(body, out);
            body = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
        RestResponse.ResponseBuilder<String> r = RestResponse.ResponseBuilder.<String>create(result.status())
                .entity(body)
                .type(xml ? Negotiation.DICOM_XML : "application/dicom+json");
        // One Warning header whatever the number of failed parts: thousands of headers are more
        // than clients and proxies accept (RFC 9110 5.3 lets one field carry the summary).
        List<String> reasons = List.copyOf(result.explanations());
        if (!reasons.isEmpty()) {
            String more = reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more; see FailedSOPSequence)" : "";
            r.header("Warning", "299 veil \"" + DicomWebExceptionMappers.headerSafe(reasons.get(0) + more) + "\"");
        }
        return r.build();
    }

    /**
     * The request must be multipart/related with root type application/dicom (PS3.18 10.5.1.1);
     * the type parameter may be quoted or not.
     */
    private String boundaryOf(String contentType) throws UnsupportedMediaTypeException, MalformedMultipartException {
        MediaRange ct = contentType == null ? null : MediaRange.parse(contentType);
        if (ct == null || !ct.type().equals("multipart") || !ct.subtype().equals("related")) {
            throw new UnsupportedMediaTypeException("STOW-RS takes multipart/related; type=\"application/dicom\"");
        }
        String type = ct.param("type");
        if (type != null && !type.equalsIgnoreCase("application/dicom")) {
            throw new UnsupportedMediaTypeException("only application/dicom parts are stored; metadata and bulk data STOW is not supported");
        }
        String boundary = ct.param("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new MalformedMultipartException("Content-Type has no valid boundary parameter");
        }
        return boundary;
    }
}
