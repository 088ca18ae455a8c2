package org.veil.dicomweb;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The {@code accept} query parameter of a DICOMweb request stands for its Accept header (PS3.18
 * 8.3.3.1: a link in a page or a report cannot set headers). Given once, it replaces the header
 * before any resource negotiates; given more than once, the resource refuses it (400). The
 * {@code charset} parameter (8.3.3.2) needs nothing: every answer is UTF-8.
 */
public class AcceptParameter {

    @ServerRequestFilter(preMatching = true)
    public void apply(ContainerRequestContext ctx) {
        if (!ctx.getUriInfo().getPath().startsWith("/dicomweb/")) {
            return;
        }
        List<String> values = ctx.getUriInfo().getQueryParameters().get("accept");
        if (values != null && values.size() == 1 && !values.get(0).isBlank()) {
            ctx.getHeaders().putSingle(HttpHeaders.ACCEPT, values.get(0));
        }
    }
}
