package org.veil.dicomweb;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.List;
import java.sql.SQLException;
import org.veil.audit.AuditEvent;
import org.veil.dicom.NotAnImageException;
import org.veil.dicom.UndecodablePixelDataException;
import org.veil.index.IndexTarget;

/** WADO-RS, PS3.18 10.4: instances, metadata, frames and bulk data. */
@Path("/dicomweb")
public class WadoResource {
    private static final String TRANSFER = "retrieve instances";
    private static final String METADATA = "retrieve metadata";

    private final RetrieveService service;
    private final Visibility visibility;
    private final RequestAudit audit;
    private final DicomWebConfig config;
    private final CurrentVertxRequest http;
    private final RenderedRetrieval rendering;

    public WadoResource(RetrieveService service, RenderedRetrieval rendering, Visibility visibility, RequestAudit audit,
                        DicomWebConfig config, CurrentVertxRequest http) {
        this.rendering = rendering;
        this.config = config;
        this.http = http;
        this.service = service;
        this.visibility = visibility;
        this.audit = audit;
    }

    @GET
    @Path("studies/{study}")
    public Response retrieveStudy(@PathParam("study") String study, @HeaderParam("Accept") String accept,
                                  @HeaderParam("If-None-Match") String ifNoneMatch, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, UndecodablePixelDataException {
        return send(service.instances(reach(TRANSFER, study, null, null), accept, ServiceUrls.base(uri), ifNoneMatch), ifNoneMatch);
    }

    @GET
    @Path("studies/{study}/series/{series}")
    public Response retrieveSeries(@PathParam("study") String study, @PathParam("series") String series,
                           @HeaderParam("Accept") String accept, @HeaderParam("If-None-Match") String ifNoneMatch,
                           @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, UndecodablePixelDataException {
        return send(service.instances(reach(TRANSFER, study, series, null), accept, ServiceUrls.base(uri), ifNoneMatch), ifNoneMatch);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}")
    public Response retrieveInstance(@PathParam("study") String study, @PathParam("series") String series,
                             @PathParam("instance") String instance, @HeaderParam("Accept") String accept,
                             @HeaderParam("If-None-Match") String ifNoneMatch, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, UndecodablePixelDataException {
        return send(service.instances(reach(TRANSFER, study, series, instance), accept, ServiceUrls.base(uri), ifNoneMatch), ifNoneMatch);
    }

    @GET
    @Path("studies/{study}/metadata")
    public Response studyMetadata(@PathParam("study") String study, @HeaderParam("Accept") String accept,
                                  @HeaderParam("If-None-Match") String ifNoneMatch, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return send(service.metadata(reach(METADATA, study, null, null), accept, ServiceUrls.base(uri)), ifNoneMatch);
    }

    @GET
    @Path("studies/{study}/series/{series}/metadata")
    public Response seriesMetadata(@PathParam("study") String study, @PathParam("series") String series,
                                   @HeaderParam("Accept") String accept, @HeaderParam("If-None-Match") String ifNoneMatch,
                                   @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return send(service.metadata(reach(METADATA, study, series, null), accept, ServiceUrls.base(uri)), ifNoneMatch);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/metadata")
    public Response instanceMetadata(@PathParam("study") String study, @PathParam("series") String series,
                                     @PathParam("instance") String instance, @HeaderParam("Accept") String accept,
                                     @HeaderParam("If-None-Match") String ifNoneMatch, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return send(service.metadata(reach(METADATA, study, series, instance), accept, ServiceUrls.base(uri)), ifNoneMatch);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/frames/{frames}")
    public Response retrieveFrames(@PathParam("study") String study, @PathParam("series") String series,
                           @PathParam("instance") String instance, @PathParam("frames") String frames,
                           @HeaderParam("Accept") String accept, @HeaderParam("Range") String range, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, RangeNotSatisfiableException, UndecodablePixelDataException {
        RetrieveService.Target target = reach("retrieve frames", study, series, instance);
        return send(service.frames(target, Negotiation.parseFrameList(frames, config.maxFramesPerRequest()), accept, range,
                instanceUrl(uri, study, series, instance)));
    }

    /** The bulk data of a study, all its instances' values (PS3.18 10.4.1.1.3). */
    @GET
    @Path("studies/{study}/bulkdata")
    public Response retrieveStudyBulkData(@PathParam("study") String study, @HeaderParam("Accept") String accept,
                                          @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return send(service.bulkDataOf(reach("retrieve bulk data", study, null, null), accept, ServiceUrls.base(uri)));
    }

    @GET
    @Path("studies/{study}/series/{series}/bulkdata")
    public Response retrieveSeriesBulkData(@PathParam("study") String study, @PathParam("series") String series,
                                           @HeaderParam("Accept") String accept, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return send(service.bulkDataOf(reach("retrieve bulk data", study, series, null), accept, ServiceUrls.base(uri)));
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/bulkdata")
    public Response retrieveInstanceBulkData(@PathParam("study") String study, @PathParam("series") String series,
                                             @PathParam("instance") String instance, @HeaderParam("Accept") String accept,
                                             @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException {
        return send(service.bulkDataOf(reach("retrieve bulk data", study, series, instance), accept, ServiceUrls.base(uri)));
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/bulkdata/{path: .+}")
    public Response retrieveBulkData(@PathParam("study") String study, @PathParam("series") String series,
                             @PathParam("instance") String instance, @PathParam("path") String path,
                             @HeaderParam("Accept") String accept, @HeaderParam("Range") String range, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, RangeNotSatisfiableException {
        return send(service.bulkData(reach("retrieve bulk data", study, series, instance), path, accept, range,
                instanceUrl(uri, study, series, instance)));
    }

    @GET
    @Path("studies/{study}/{kind: rendered|thumbnail}")
    public Response renderStudy(@PathParam("study") String study, @PathParam("kind") String kind,
                                @HeaderParam("Accept") String accept, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, UndecodablePixelDataException, NotAnImageException {
        return rendered(study, null, null, null, kind, accept, uri);
    }

    @GET
    @Path("studies/{study}/series/{series}/{kind: rendered|thumbnail}")
    public Response renderSeries(@PathParam("study") String study, @PathParam("series") String series,
                                 @PathParam("kind") String kind, @HeaderParam("Accept") String accept, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, UndecodablePixelDataException, NotAnImageException {
        return rendered(study, series, null, null, kind, accept, uri);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/{kind: rendered|thumbnail}")
    public Response renderInstance(@PathParam("study") String study, @PathParam("series") String series,
                                   @PathParam("instance") String instance, @PathParam("kind") String kind,
                                   @HeaderParam("Accept") String accept, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, UndecodablePixelDataException, NotAnImageException {
        return rendered(study, series, instance, null, kind, accept, uri);
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/frames/{frames}/{kind: rendered|thumbnail}")
    public Response renderFrames(@PathParam("study") String study, @PathParam("series") String series,
                                 @PathParam("instance") String instance, @PathParam("frames") String frames,
                                 @PathParam("kind") String kind, @HeaderParam("Accept") String accept, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, UndecodablePixelDataException, NotAnImageException {
        return rendered(study, series, instance, frames, kind, accept, uri);
    }

    private Response rendered(String study, String series, String instance, String frames, String kind, String accept,
                              UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException, SQLException, IOException,
            DeidentificationUnavailableException, UndecodablePixelDataException, NotAnImageException {
        boolean thumbnail = kind.equals("thumbnail");
        RetrieveService.Target target = reach(thumbnail ? "retrieve thumbnail" : "retrieve rendered", study, series, instance);
        List<Integer> frameList = frames == null ? List.of() : Negotiation.parseFrameList(frames, config.maxFramesPerRequest());
        if (thumbnail && frameList.size() > 1) {
            throw new InvalidRequestException("a thumbnail is of one frame");
        }
        // The accept query parameter (PS3.18 8.3.3.1) stands for the header, for links a browser follows.
        String asked = RenderParameters.acceptParameter(uri.getQueryParameters()).orElse(accept);
        return send(rendering.rendered(target, RenderParameters.parse(uri.getQueryParameters(), frameList, thumbnail), asked));
    }

    /** The instance's resource as the request named it: UIDs checked by {@link #reach}, so safe in a header. */
    private static String instanceUrl(UriInfo uri, String study, String series, String instance) {
        return ServiceUrls.instance(ServiceUrls.base(uri), study, series, instance);
    }

    /** Audits the request from here on, checks the path, and asks the policy which study it reaches. */
    private RetrieveService.Target reach(String action, String study, String series, String instance)
            throws InvalidRequestException, UnknownResourceException, SQLException, IOException, DeidentificationUnavailableException {
        audit.begin(action, action.equals(TRANSFER) ? AuditEvent.INSTANCES_TRANSFERRED : AuditEvent.INSTANCES_ACCESSED);
        // Who may read comes before whether the path names a UID (403 before 400: docs/security.md).
        visibility.requireReader();
        InstanceRef ref = InstanceRef.of(study, series, instance);
        Visibility.Reachable reached = visibility.forRead(study);
        if (action.equals(TRANSFER) && reached.target() != IndexTarget.ORIGINAL) {
            // De-identified copies handed out of treatment leave the hospital's control: DCM 110106.
            audit.begin(action, AuditEvent.EXPORT);
        }
        return new RetrieveService.Target(reached.target(), ref);
    }

    private Response send(RetrieveService.Payload p) {
        releaseAtEnd(p);
        Response.ResponseBuilder r = Response.status(p.status()).entity(direct(p.body())).type(p.contentType());
        p.headers().forEach(r::header);
        // Frames, bulk data and renderings are patient data as much as instances: kept by no cache.
        // What is sent depends on Accept (RFC 9110 12.5.5).
        return r.header("Cache-Control", "no-store").header("Vary", "Accept").build();
    }

    /**
     * With an entity tag: 304 without a body when the client already holds it (If-None-Match,
     * RFC 9110 13.1.2, weak comparison), else the body with its tag. Either way no cache may keep
     * it (RFC 9111 5.2.2.5), the browser's own included: it is patient data.
     */
    private Response send(RetrieveService.Payload p, String ifNoneMatch) {
        releaseAtEnd(p);
        boolean unchanged = p.etag() != null && matches(ifNoneMatch, p.etag());
        if (unchanged) {
            // No body will be written: what the answer holds goes now.
            p.release().run();
        }
        Response.ResponseBuilder r = unchanged ? Response.notModified() : Response.ok(direct(p.body())).type(p.contentType());
        if (p.etag() != null) {
            r.header("ETag", p.etag());
        }
        return r.header("Cache-Control", "no-store").header("Vary", "Accept").build();
    }

    /**
     * What the answer holds is let go when the exchange ends, however it ends: written (the body
     * lets it go itself as it finishes), answered 304 without the body, or the client gone before
     * the body was asked for.
     */
    private void releaseAtEnd(RetrieveService.Payload p) {
        if (p.holds()) {
            io.vertx.ext.web.RoutingContext ctx = http.getCurrent();
            ctx.addEndHandler(ended -> p.release().run());
            // A handler added once the exchange has ended (the client gone while this request
            // decoded) is never called: then the hold goes now. Releasing twice does nothing.
            if (ctx.response().closed() || ctx.response().ended()) {
                p.release().run();
            }
        }
    }

    /**
     * The body, writing stored file ranges from direct buffers ({@link DirectFileOutput}), at the
     * client's pace: one that falls behind the minimum rate has its connection reset.
     */
    private StreamingOutput direct(StreamingOutput body) {
        io.vertx.ext.web.RoutingContext ctx = http.getCurrent();
        io.vertx.core.http.HttpServerResponse response = ctx.response();
        io.vertx.core.Context connection = io.vertx.core.Vertx.currentContext();
        return out -> {
            ClientPace pace = new ClientPace(config.minDownloadBytesPerSecond(), config.downloadGrace());
            Runnable unwatch = DirectFileOutput.watch(connection != null ? connection : ctx.vertx().getOrCreateContext(),
                    ctx.request(), pace);
            try {
                body.write(new DirectFileOutput(out, ctx.request(), pace));
            } finally {
                unwatch.run();
            }
        };
    }

    static boolean matches(String ifNoneMatch, String etag) {
        return matches(ifNoneMatch, etag, true);
    }

    /**
     * Whether the client names this very tag ({@code *} not counted): only then is the answer
     * known to have been a 200 before, so 304 can be decided without the checks a 200 passes
     * (RFC 9110 13.2.1: the condition is evaluated only where the answer would be 2xx).
     */
    static boolean namesTag(String ifNoneMatch, String etag) {
        return matches(ifNoneMatch, etag, false);
    }

    private static boolean matches(String ifNoneMatch, String etag, boolean star) {
        if (ifNoneMatch == null) {
            return false;
        }
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (star && c.equals("*") || (c.startsWith("W/") ? c.substring(2) : c).equals(opaque)) {
                return true;
            }
        }
        return false;
    }
}
