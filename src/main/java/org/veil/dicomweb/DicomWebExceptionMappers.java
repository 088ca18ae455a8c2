package org.veil.dicomweb;

import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.veil.dicom.MalformedMultipartException;
import org.veil.dicom.PayloadTooLargeException;
import org.veil.index.InvalidQueryException;
import org.veil.logging.Failures;
import org.veil.security.AccessRefusedException;
import org.veil.security.NotAuthenticatedException;

/**
 * Maps Veil's domain exceptions to PS3.18 status codes. Reasons are Veil's own texts, which name
 * the fault and never echo values from the request.
 */
public class DicomWebExceptionMappers {

    @ServerExceptionMapper
    public RestResponse<ErrorBody> unknown(UnknownResourceException e) {
        return error(404, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> invalid(InvalidRequestException e) {
        return error(e instanceof RequestTooLargeException ? 413 : 400, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> invalidQuery(InvalidQueryException e) {
        return error(e instanceof org.veil.index.SearchTooBroadException ? 413 : 400, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> notAcceptable(NotAcceptableException e) {
        return error(406, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> rangeNotSatisfiable(RangeNotSatisfiableException e) {
        RestResponse<ErrorBody> r = error(416, e.getMessage());
        r.getHeaders().add("Content-Range", "bytes */" + e.total());
        return r;
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> unsupported(UnsupportedMediaTypeException e) {
        return error(415, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> multipart(MalformedMultipartException e) {
        return error(e instanceof PayloadTooLargeException ? 413 : 400, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> notAuthenticated(NotAuthenticatedException e) {
        RestResponse<ErrorBody> r = error(401, e.getMessage());
        r.getHeaders().add("WWW-Authenticate", "Bearer realm=\"veil\", error=\"invalid_token\"");
        return r;
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> consentApi(org.veil.consent.ConsentApiException e) {
        return error(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> auditQuery(org.veil.audit.InvalidAuditQueryException e) {
        return error(400, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> verificationRunning(org.veil.audit.VerificationRunningException e) {
        RestResponse<ErrorBody> r = error(429, e.getMessage());
        r.getHeaders().add("Retry-After", "60");
        return r;
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> notAnImage(org.veil.dicom.NotAnImageException e) {
        return error(406, e.getMessage());
    }

    /** Rendering needs decoded pixels; what Veil cannot decode it cannot render (PS3.18 allows 501). */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> undecodable(org.veil.dicom.UndecodablePixelDataException e) {
        return error(501, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> deidentificationUnavailable(DeidentificationUnavailableException e) {
        return error(503, e.getMessage());
    }

    /** The database refused or failed mid-request; what it was asked is not repeated. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> database(java.sql.SQLException e) {
        org.jboss.logging.Logger.getLogger(DicomWebExceptionMappers.class).errorf("database error (%s)", Failures.describe(e));
        RestResponse<ErrorBody> r = error(503, "the database could not complete the request; nothing was changed");
        r.getHeaders().add("Retry-After", "5");
        return r;
    }

    /** The object store refused a STOW's instances: nothing was stored (StoreService). */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> storage(StorageUnavailableException e) {
        RestResponse<ErrorBody> r = error(503, e.getMessage());
        r.getHeaders().add("Retry-After", "30");
        return r;
    }

    /** The client stopped sending its upload, or sent it too slowly (docs/conformance.md, "STOW-RS"). */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> stalled(UploadBody.Stalled e, io.vertx.ext.web.RoutingContext ctx) {
        RestResponse<ErrorBody> r = error(408, e.getMessage());
        r.getHeaders().add("Connection", "close");
        if (ctx != null) {
            // The rest of the body is not waited for: the connection goes once the answer is out.
            ctx.addEndHandler(done -> ctx.request().connection().close());
        }
        return r;
    }

    /** Too much pixel work running and waiting (dicom.ComputeGate): a moment later it will go. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> busy(org.veil.dicom.ComputeGate.BusyException e) {
        RestResponse<ErrorBody> r = error(503, e.getMessage());
        r.getHeaders().add("Retry-After", "5");
        return r;
    }

    /** A view built larger than the derivative cache: logged for the operator, 503 for the client. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> cacheTooSmall(org.veil.derivatives.DerivedViews.CacheTooSmall e) {
        org.jboss.logging.Logger.getLogger(DicomWebExceptionMappers.class)
                .warn("a de-identified view's derivatives were evicted while it was built, at every try: raise veil.deid.cache-max-bytes");
        RestResponse<ErrorBody> r = error(503, e.getMessage());
        r.getHeaders().add("Retry-After", "60");
        return r;
    }

    /** Decoding what was asked would take more memory than the configured bound. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> tooLarge(org.veil.dicom.PixelDataTooLargeException e) {
        return error(400, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorBody> refused(AccessRefusedException e) {
        return error(403, e.getMessage());
    }

    /**
     * What the REST layer refuses itself (no method for the path, a Content-Type or an Accept the
     * resource does not take, a body it cannot read): the status it chose, with Veil's reason for
     * that status, because its own messages may quote the request.
     */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> rest(jakarta.ws.rs.WebApplicationException e) {
        int status = e.getResponse() == null ? 400 : e.getResponse().getStatus();
        if (status < 400) {
            status = 400;
        }
        return error(status, HttpBoundary.reason(status));
    }

    /** A body that is not the JSON a resource reads; the value is not repeated. */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> json(com.fasterxml.jackson.core.JacksonException e) {
        return error(400, "the request body is not valid JSON for this resource");
    }

    /**
     * Anything else is Veil's fault, not the client's: logged with the request id and its stack,
     * answered 500 with a fixed reason that names the id, never the exception's text.
     */
    @ServerExceptionMapper
    public RestResponse<ErrorBody> unexpected(Throwable e, io.vertx.core.http.HttpServerRequest request) {
        String id = request == null ? null : request.response().headers().get(HttpBoundary.REQUEST_ID_HEADER);
        if (request != null && request.response().closed() && causedByIo(e)) {
            // The client closed the connection while the answer was being written (a viewer
            // cancels what it no longer shows): nothing failed, and nothing can be answered.
            org.jboss.logging.Logger.getLogger(DicomWebExceptionMappers.class).debugf(
                    "request %s: the client closed the connection before the answer was written", id);
            return error(500, "the connection closed before the answer was written");
        }
        // The chain of causes with their SQLStates and throwing frames, not the stack's messages:
        // those may quote patient data (Failures).
        org.jboss.logging.Logger.getLogger(DicomWebExceptionMappers.class).errorf("request %s failed unexpectedly (%s)",
                id, Failures.describe(e));
        return error(500, "Veil failed to answer this request; the failure is logged as request " + (id == null ? "(no id)" : id));
    }

    /** Whether an I/O failure is in the chain of causes: what writing to a closed connection throws. */
    private static boolean causedByIo(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof java.io.IOException || t instanceof io.vertx.core.http.HttpClosedException) {
                return true;
            }
        }
        return false;
    }

    /** Reasons may quote a parameter name the client sent: keep quotes and control characters out. */
    static String headerSafe(String reason) {
        return reason.replace('"', '\'').replaceAll("[\\p{Cntrl}]", " ");
    }

    static RestResponse<ErrorBody> error(int status, String reason) {
        return RestResponse.ResponseBuilder.<ErrorBody>create(status)
                .entity(new ErrorBody(status, reason))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Warning", "299 veil \"" + headerSafe(reason) + "\"")
                .build();
    }
}
