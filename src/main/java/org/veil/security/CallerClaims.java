package org.veil.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.veil.policy.Caller;
import org.veil.policy.Purpose;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Role;

/**
 * Reads a {@link Caller} from a validated token's claims: roles from the configured claim paths
 * (realm roles, client roles), purposes from {@code purpose:<name>} scopes and from an IHE IUA
 * {@code extensions.ihe_iua.purpose_of_use} Coding, the client from {@code azp} or {@code client_id}. Plain Java, so
 * that every claim shape is tested without a server; no resource reads claims itself.
 */
public final class CallerClaims {

    /**
     * @param roleClaimPaths dotted paths to string arrays, such as {@code realm_access.roles}
     * @param organisationClaim the claim naming the caller's organisation, if the provider sends one
     * @param allowedClients the clients whose tokens make a caller; empty: any
     */
    public record Settings(List<String> roleClaimPaths, String organisationClaim, Optional<Set<String>> allowedClients) {
        public static final Settings KEYCLOAK = new Settings(
                List.of("realm_access.roles", "resource_access.veil-server.roles"), "organisation", Optional.empty());

        public Settings(List<String> roleClaimPaths, String organisationClaim) {
            this(roleClaimPaths, organisationClaim, Optional.empty());
        }
    }

    /** A caller, or why the token does not make one. */
    public sealed interface Result {
        record Identified(Caller caller) implements Result {
        }

        record Unidentified(String reason) implements Result {
        }
    }

    private static final String KNOWN = java.util.Arrays.stream(Purpose.values()).map(p -> Purpose.SCOPE_PREFIX + p.scopeName())
            .collect(java.util.stream.Collectors.joining(", "));

    private CallerClaims() {
    }

    public static Result read(JsonNode claims, Settings settings, PurposeRules rules) {
        String subject = claims.path("sub").asText("");
        if (subject.isEmpty()) {
            return new Result.Unidentified("the token has no subject (sub)");
        }
        if (settings.allowedClients().isPresent() && !settings.allowedClients().get().contains(client(claims))) {
            // Default deny for clients: a script's password grant through a client the hospital
            // did not list is no way in, however valid its token.
            return new Result.Unidentified("the token was issued to a client Veil does not take (veil.security.allowed-clients)");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String path : settings.roleClaimPaths()) {
            for (JsonNode name : at(claims, path)) {
                Role.fromName(name.asText()).ifPresent(roles::add);
            }
        }
        Set<Purpose> named = EnumSet.noneOf(Purpose.class);
        // A purpose Veil does not know identifies the caller no less; it is a claim Veil cannot
        // use, so the request is refused with 403 (and audited), never read as no purpose.
        String unknown = null;
        for (String scope : claims.path("scope").asText("").split(" ")) {
            if (scope.startsWith(Purpose.SCOPE_PREFIX)) {
                Optional<Purpose> p = Purpose.fromScope(scope);
                if (p.isEmpty()) {
                    unknown = "the token names a purpose of use Veil does not know (known: " + KNOWN + ")";
                } else {
                    named.add(p.get());
                }
            }
        }
        JsonNode iua = claims.path("extensions").path("ihe_iua").path("purpose_of_use");
        for (JsonNode coding : iua.isArray() ? iua : List.of(iua)) {
            if (coding.isMissingNode() || coding.isNull()) {
                continue;
            }
            Optional<Purpose> p = Purpose.fromCoding(coding.path("system").asText(""), coding.path("code").asText(""));
            if (p.isEmpty()) {
                unknown = "the token's IUA purpose_of_use is not a purpose of use Veil knows";
            } else {
                named.add(p.get());
            }
        }
        Set<String> groups = new LinkedHashSet<>();
        claims.path("groups").forEach(g -> groups.add(g.asText()));
        String organisation = claims.path(settings.organisationClaim()).asText("");
        return new Result.Identified(new Caller(subject, claims.path("preferred_username").asText(subject), roles,
                unknown != null ? new PurposeDecision.Refused(unknown) : rules.decide(roles, named), client(claims),
                organisation.isEmpty() ? Optional.empty() : Optional.of(organisation), groups));
    }

    /**
     * The client the token was issued to: {@code azp} (OpenID Connect Core 2), else
     * {@code client_id} (RFC 9068 2.2, the JWT profile of access tokens), else none.
     */
    private static String client(JsonNode claims) {
        String azp = claims.path("azp").asText("");
        return azp.isEmpty() ? claims.path("client_id").asText("") : azp;
    }

    private static JsonNode at(JsonNode node, String dottedPath) {
        JsonNode n = node;
        for (String part : dottedPath.split("\\.")) {
            n = n.path(part);
        }
        return n.isArray() ? n : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
