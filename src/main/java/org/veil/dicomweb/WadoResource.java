package org.veil.dicomweb;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.veil.security.StudyAccess;

/** WADO-RS, PS3.18 10.4: instances, metadata, frames and bulk data. */
@Path("/dicomweb")
public class WadoResource {
    private final RetrieveService service;
    private final StudyAccess access;

    public WadoResource(RetrieveService service, StudyAccess access) {
        this.service = service;
        this.access = access;
    }

    @GET
    @Path("studies/{study}")
    public Response retrieveStudy(@PathParam("study") String study, @HeaderParam("Accept") String accept)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException {
        return send(service.instances(ref(study, null, null), accept));
    }

    @GET
    @Path("studies/{study}/series/{series}")
    public Response retrieveSeries(@PathParam("study") String study, @PathParam("series") String series,
                           @HeaderParam("Accept") String accept)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException {
        return send(service.instances(ref(study, series, null), accept));
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}")
    public Response retrieveInstance(@PathParam("study") String study, @PathParam("series") String series,
                             @PathParam("instance") String instance, @HeaderParam("Accept") String accept)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException {
        return send(service.instances(ref(study, series, instance), accept));
    }

    @GET
    @Path("studies/{study}/metadata")
    public Response studyMetadata(@PathParam("study") String study, @HeaderParam("Accept") String accept,
                                  @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException {
        return send(service.metadata(ref(study, null, null), accept, ServiceUrls.base(uri)));
    }

    @GET
    @Path("studies/{study}/series/{series}/metadata")
    public Response seriesMetadata(@PathParam("study") String study, @PathParam("series") String series,
                                   @HeaderParam("Accept") String accept, @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException {
        return send(service.metadata(ref(study, series, null), accept, ServiceUrls.base(uri)));
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/metadata")
    public Response instanceMetadata(@PathParam("study") String study, @PathParam("series") String series,
                                     @PathParam("instance") String instance, @HeaderParam("Accept") String accept,
                                     @Context UriInfo uri)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException {
        return send(service.metadata(ref(study, series, instance), accept, ServiceUrls.base(uri)));
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/frames/{frames}")
    public Response retrieveFrames(@PathParam("study") String study, @PathParam("series") String series,
                           @PathParam("instance") String instance, @PathParam("frames") String frames,
                           @HeaderParam("Accept") String accept)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException {
        InstanceRef ref = ref(study, series, instance);
        return send(service.frames(ref, Negotiation.parseFrameList(frames), accept));
    }

    @GET
    @Path("studies/{study}/series/{series}/instances/{instance}/bulkdata/{path: .+}")
    public Response retrieveBulkData(@PathParam("study") String study, @PathParam("series") String series,
                             @PathParam("instance") String instance, @PathParam("path") String path,
                             @HeaderParam("Accept") String accept)
            throws InvalidRequestException, UnknownResourceException, NotAcceptableException {
        return send(service.bulkData(ref(study, series, instance), path, accept));
    }

    private InstanceRef ref(String study, String series, String instance) throws InvalidRequestException {
        InstanceRef ref = InstanceRef.of(study, series, instance);
        access.requireRead(study);
        return ref;
    }

    private static Response send(RetrieveService.Payload p) {
        return Response.ok(p.body()).type(p.contentType()).build();
    }
}
