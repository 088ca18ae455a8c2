package org.veil.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.veil.policy.Caller;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Role;

/**
 * {@code GET /api/v1/me}: the caller as Veil understands the token, so that a client or an
 * operator can see which roles and purpose Veil took from it and why a purpose was refused. It
 * names only the caller, never a study or patient.
 */
@Path("/api/v1/me")
public class CallerResource {

    @Inject
    CurrentCaller current;

    /** The purpose part: granted (name, system, code) or, when not granted, the rule that said no. */
    public record PurposeView(String name, String system, String code, String refusal) {
    }

    public record CallerView(String subject, String username, List<String> roles, PurposeView purpose, String client,
                             String organisation, List<String> groups) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller: subject, roles, purpose of use, client and organisation, as read from the token")
    public CallerView me() {
        Caller c = current.get();
        PurposeView purpose = switch (c.purpose()) {
            case PurposeDecision.Granted g -> new PurposeView(g.purpose().scopeName(), g.purpose().system(), g.purpose().code(), null);
            case PurposeDecision.Absent a -> new PurposeView(null, null, null, a.reason());
            case PurposeDecision.Refused r -> new PurposeView(null, null, null, r.reason());
        };
        return new CallerView(c.subject(), c.username(), c.roles().stream().map(Role::roleName).toList(), purpose,
                c.clientId(), c.organisation().orElse(null), List.copyOf(c.groups()));
    }
}
