package org.veil.dicomweb;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.jboss.logging.MDC;

/**
 * The edge of every request, before any resource or token check runs: a request id for the logs
 * and the answer, Veil's own limits on the request line, the headers and the body's declared
 * length, and a JSON body on every error the HTTP layer answers itself (no route, wrong method,
 * too large). Quarkus and Vert.x would answer those with an empty or an HTML body; a client of
 * Veil gets {@code {"status","reason"}} whichever layer refuses (docs/conformance.md, "Errors").
 *
 * <p>The HTTP codec's own limits (quarkus.http.limits.max-initial-line-length and max-header-size)
 * are set far above these, so that Veil's answer is the one a client sees. What the codec itself
 * refuses (a request line or headers beyond a megabyte, bytes that are not HTTP) is answered by
 * Vert.x with a bare status and a closed connection: Quarkus offers no hook there.
 */
@ApplicationScoped
public class HttpBoundary {
    /** Where the request id is kept for the request's other steps. */
    public static final String REQUEST_ID = "veil.request-id";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "the request is not valid HTTP for this resource"),
            Map.entry(404, "no resource at this path"),
            Map.entry(405, "this resource does not take that method"),
            Map.entry(406, "no representation of this resource matches the Accept header"),
            Map.entry(413, "the request body is larger than this resource accepts"),
            Map.entry(414, "the request line is longer than Veil accepts"),
            Map.entry(415, "this resource does not take that Content-Type"),
            Map.entry(431, "the request headers are larger than Veil accepts"),
            Map.entry(500, "Veil failed to answer this request; the failure is logged with its request id"),
            Map.entry(501, "Veil does not implement this"),
            Map.entry(503, "Veil cannot answer now; try again later"));

    private final HttpLimitsConfig limits;
    private final DicomWebConfig dicomweb;

    public HttpBoundary(HttpLimitsConfig limits, DicomWebConfig dicomweb) {
        this.limits = limits;
        this.dicomweb = dicomweb;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::admit).failureHandler(this::refusedBeforeRouting);
        for (int status : REASONS.keySet()) {
            router.errorHandler(status, ctx -> answer(ctx, status, reasonFor(ctx, status)));
        }
    }

    private void admit(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // A rerouted request (below) keeps the id it was given the first time through.
        String id = ctx.get(REQUEST_ID) instanceof String given ? given : requestId(request.getHeader(REQUEST_ID_HEADER));
        ctx.put(REQUEST_ID, id);
        MDC.put("requestId", id);
        ctx.response().putHeader(REQUEST_ID_HEADER, id);
        String encoded = RequestUris.encodeUnwise(request.uri());
        if (!encoded.equals(request.uri()) && encoded.startsWith("/") && RequestUris.problem(encoded) == null
                && request.uri().length() <= limits.maxUriLength()) {
            // Raw ^ { } | and the like, as browsers and scripts send them: routed again, encoded.
            ctx.reroute(request.method(), encoded);
            return;
        }
        if (request.version() != io.vertx.core.http.HttpVersion.HTTP_2 && request.headers().contains("Transfer-Encoding")) {
            // A message framed two ways (chunked and a Content-Length) is read one way here and
            // another by a proxy in front: what one takes for the body, the other takes for the
            // next request (request smuggling). The HTTP codec drops the Content-Length of a
            // chunked request before Veil sees it, so every chunked request closes its connection
            // after the answer, as RFC 9112 6.1 requires for one framed both ways: nothing after
            // it on the connection is read as a request.
            // Vert.x goes on to a request it has already read after the answer's Connection:
            // close; the connection is closed as the answer ends, before it does.
            ctx.response().putHeader("Connection", "close");
            ctx.addEndHandler(ended -> request.connection().close());
        }
        String refusal = refusal(request);
        if (refusal == null) {
            ctx.next();
            return;
        }
        int status = Integer.parseInt(refusal.substring(0, 3));
        // The body may still be arriving; the connection closes after the answer rather than read it.
        ctx.response().putHeader("Connection", "close");
        answer(ctx, status, refusal.substring(4));
    }

    /**
     * A request Vert.x refuses while it makes the routing context, before any handler runs: an
     * HTTP/1.1 request without a Host header (400, RFC 9112 3.2), or whose target is not a path
     * (OPTIONS *, an authority-form CONNECT: 404). Only failure handlers see it, and the last of
     * them would answer a bare status; Veil answers it as every other refusal. Every other failure
     * passed {@link #admit} first and goes on to the handlers that know it (the token check's 401).
     */
    private void refusedBeforeRouting(RoutingContext ctx) {
        if (ctx.get(REQUEST_ID) != null) {
            ctx.next();
            return;
        }
        // Vert.x fails it with an exception naming the missing header, or with a bare status: the
        // client's fault either way, answered without the exception's text or a log line.
        String id = requestId(ctx.request().getHeader(REQUEST_ID_HEADER));
        ctx.put(REQUEST_ID, id);
        int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 400;
        ctx.response().putHeader(REQUEST_ID_HEADER, id).putHeader("Connection", "close");
        answer(ctx, status, status == 400 && ctx.request().authority() == null
                ? "the request has no Host header (RFC 9112 3.2)" : reason(status));
    }

    /** Why the request is refused before it is routed, as "status reason"; null to go on. */
    private String refusal(HttpServerRequest request) {
        if (request.headers().getAll("Host").size() > 1) {
            return "400 the request has more than one Host header (RFC 9112 3.2)";
        }
        if (request.authority() == null && !request.path().startsWith("/q/health")) {
            // HTTP/1.0 may leave Host out (HTTP/1.1 may not; Vert.x refuses that before this).
            // Veil's answers name URLs on the host asked for (RetrieveURL, BulkDataURI, Location),
            // which such a request does not say: building them failed (500). Health probes need no URL.
            return "400 the request has no Host header, which Veil needs to name its URLs (RFC 9112 3.2)";
        }
        if (request.uri().length() > limits.maxUriLength()) {
            return "414 the request URI is longer than " + limits.maxUriLength() + " characters";
        }
        String uriProblem = RequestUris.problem(request.uri());
        if (uriProblem != null) {
            return "400 " + uriProblem;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> h : request.headers()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
        }
        if (headerBytes > limits.maxHeaderBytes()) {
            return "431 the request headers are larger than " + limits.maxHeaderBytes() + " bytes";
        }
        String length = request.getHeader("Content-Length");
        java.util.List<String> codings = request.headers().getAll("Transfer-Encoding");
        if (!codings.isEmpty() && !String.join(",", codings).trim().equalsIgnoreCase("chunked")) {
            // RFC 9112 6.1: a transfer coding the server does not understand is 501.
            return "501 Veil reads no transfer coding but chunked (RFC 9112 6.1)";
        }
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return "400 Content-Length is not a number";
            }
            long maxBody = maxBody(request);
            if (declared > maxBody) {
                return "413 the request body is larger than " + maxBody + " bytes, the most this resource accepts";
            }
        }
        // A body of unknown length (chunked, HTTP/2) is counted where it is read: STOW by its
        // multipart reader, the consent API by its JSON reader.
        return null;
    }

    /** The largest body a request of this method and path may carry. */
    private long maxBody(HttpServerRequest request) {
        if (request.method() == HttpMethod.POST && request.path().startsWith("/dicomweb/studies")) {
            return dicomweb.maxRequestBytes();
        }
        if (request.method() == HttpMethod.POST || request.method() == HttpMethod.PUT || request.method() == HttpMethod.PATCH) {
            return limits.maxJsonBytes();
        }
        // No other request has a body Veil reads; a declared one is refused before it is sent.
        return 0;
    }

    /** The client's id when it is a plain token (a proxy's or a client's), else a new one. */
    static String requestId(String given) {
        if (given != null && given.matches("[A-Za-z0-9._-]{8,64}")) {
            return given;
        }
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Veil's reason for a status the HTTP or REST layer chose. */
    static String reason(int status) {
        return REASONS.getOrDefault(status, status >= 500 ? REASONS.get(500) : REASONS.get(400));
    }

    private static String reasonFor(RoutingContext ctx, int status) {
        if (status >= 500 && ctx.failure() != null) {
            // Described, not logged with its message: a message may quote the URI or a value of the request.
            org.jboss.logging.Logger.getLogger(HttpBoundary.class).errorf("request %s failed in the HTTP layer: %s",
                    (Object) ctx.get(REQUEST_ID), org.veil.logging.Failures.describe(ctx.failure()));
        }
        return reason(status);
    }

    private static void answer(RoutingContext ctx, int status, String reason) {
        if (ctx.response().headWritten()) {
            if (!ctx.response().ended()) {
                ctx.response().end();
            }
            return;
        }
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Warning", "299 veil \"" + DicomWebExceptionMappers.headerSafe(reason) + "\"");
        if (status == 503) {
            ctx.response().putHeader("Retry-After", "5");
        }
        ctx.response().end(new JsonObject().put("status", status).put("reason", reason).encode());
    }
}
