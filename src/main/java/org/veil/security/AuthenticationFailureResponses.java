package org.veil.security;

import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Token failures happen in the HTTP layer, before any resource runs, and Quarkus answers them
 * with a bare 401. Veil answers like every other refusal: a JSON reason and the
 * {@code WWW-Authenticate: Bearer} challenge of RFC 6750. The reason is fixed text; why a token
 * failed (expired, audience, signature) stays out of the answer, because that detail helps an
 * attacker more than a client.
 *
 * <p>This only shapes answers. What needs a token is decided by the
 * {@code quarkus.http.auth.permission.*} configuration; the open paths are read from it.
 */
@ApplicationScoped
public class AuthenticationFailureResponses {
    static final String MISSING = "a bearer token is required";
    static final String INVALID = "the bearer token is not valid: it is expired, malformed, or not issued for Veil";
    static final String UNAVAILABLE = "the identity provider is not reachable, so no token can be checked; try again later";
    private static final Logger LOG = Logger.getLogger(AuthenticationFailureResponses.class);

    @Inject
    @ConfigProperty(name = "quarkus.http.auth.permission.open.paths")
    List<String> openPaths;

    void install(@Observes Router router) {
        // After dicomweb.HttpBoundary (MIN_VALUE), which refuses what is too large before anything else.
        router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
            String authorization = ctx.request().getHeader("Authorization");
            if (isOpen(ctx.normalizedPath()) || isPreflight(ctx) || hasBearerToken(authorization)) {
                ctx.next();
            } else if (authorization == null) {
                refuse(ctx, MISSING, "Bearer realm=\"veil\"");
            } else {
                // Another scheme (Basic), or "Bearer" with no token: quarkus-oidc would take the
                // caller for anonymous and the permission check would end the answer with no body.
                refuse(ctx, MISSING, "Bearer realm=\"veil\", error=\"invalid_request\"");
            }
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            Throwable failure = ctx.failure();
            if (ctx.response().ended()) {
                ctx.next();
            } else if (providerUnreachable(failure)) {
                LOG.warn("the OIDC provider is not reachable; answering 503 until it is");
                answer(ctx, 503, UNAVAILABLE).putHeader("Retry-After", "10").end(body(503, UNAVAILABLE));
            } else if (failure instanceof AuthenticationException || failure instanceof UnauthorizedException) {
                refuse(ctx, INVALID, "Bearer realm=\"veil\", error=\"invalid_token\"");
            } else {
                ctx.next();
            }
        });
    }

    /** An Authorization header of the Bearer scheme (case-insensitive, RFC 7235 2.1) with a token after it (RFC 6750 2.1). */
    static boolean hasBearerToken(String authorization) {
        if (authorization == null) {
            return false;
        }
        String a = authorization.strip();
        return a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7) && !a.substring(7).isBlank();
    }

    private boolean isOpen(String path) {
        for (String open : openPaths) {
            if (open.endsWith("/*") ? path.startsWith(open.substring(0, open.length() - 1)) : path.equals(open)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A browser asks whether it may send a token from another origin before it sends one: the
     * CORS filter answers that, when enabled, with headers only (docs/ohif.md).
     */
    private static boolean isPreflight(RoutingContext ctx) {
        return ctx.request().method() == HttpMethod.OPTIONS && ctx.request().getHeader("Origin") != null
                && ctx.request().getHeader("Access-Control-Request-Method") != null;
    }

    /** The provider was down at start-up and still is: Veil cannot check any token. */
    private static boolean providerUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OIDCException) {
                return true;
            }
        }
        return false;
    }

    private static void refuse(RoutingContext ctx, String reason, String challenge) {
        answer(ctx, 401, reason).putHeader("WWW-Authenticate", challenge).end(body(401, reason));
    }

    private static HttpServerResponse answer(RoutingContext ctx, int status, String reason) {
        return ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Warning", "299 veil \"" + reason + "\"");
    }

    private static String body(int status, String reason) {
        return new JsonObject().put("status", status).put("reason", reason).encode();
    }
}
