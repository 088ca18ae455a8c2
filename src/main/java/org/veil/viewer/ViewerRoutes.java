package org.veil.viewer;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.veil.logging.Failures;
import org.veil.policy.Purpose;

/**
 * Serves the prebuilt OHIF viewer, same-origin with DICOMweb, once per purpose of use:
 * {@code /viewer/} lets the user choose why they are looking, and {@code /viewer/<purpose>/} is
 * the viewer logging in with that {@code purpose:*} scope, so the token, and every request made
 * with it, carries the purpose chosen (docs/ohif.md). The files hold no patient data and need no
 * token; every DICOMweb request the viewer makes does.
 *
 * <p>The package is built to live at the root: its index and its webpack runtime name "/" as the
 * place of every file. Veil rewrites those two places to the purpose's prefix when serving them,
 * and serves a generated {@code app-config.js}: OHIF's own defaults, then Veil's data source, OIDC
 * client and router base.
 */
@ApplicationScoped
public class ViewerRoutes {
    private static final Logger LOG = Logger.getLogger(ViewerRoutes.class);
    static final String BASE = "/viewer/";
    /** Where Keycloak sends the browser after signing out: the chooser again. */
    static final String SIGNED_OUT = BASE + "signed-out";
    private static final Map<String, String> TYPES = Map.ofEntries(Map.entry("js", "text/javascript"),
            Map.entry("mjs", "text/javascript"), Map.entry("css", "text/css"), Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("wasm", "application/wasm"), Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"), Map.entry("xml", "application/xml"),
            Map.entry("txt", "text/plain"), Map.entry("map", "application/json"));

    private static final String RUNTIME_AT_ROOT = "__webpack_require__.p = \"/\"";
    private static final String CSS_AT_ROOT = "url(/";

    private final ViewerConfig config;
    private final String issuer;
    private final Map<String, byte[]> rewritten = new ConcurrentHashMap<>();
    /** The Content-Security-Policy of each purpose's index page (ViewerCsp). */
    private final Map<String, String> policies = new ConcurrentHashMap<>();
    /**
     * Whether a top-level file names the root (a bundle with a webpack runtime, the app's or a web
     * worker's; a style sheet), decided on its first request rather than by reading the whole
     * package at start-up.
     */
    private final Map<String, Boolean> namesRoot = new ConcurrentHashMap<>();

    public ViewerRoutes(ViewerConfig config, @ConfigProperty(name = "quarkus.oidc.auth-server-url") String issuer) {
        this.config = config;
        this.issuer = issuer;
    }

    void install(@Observes Router router) {
        if (config.dir().isEmpty()) {
            LOG.info("no viewer configured (veil.viewer.dir): /viewer/ is not served");
            return;
        }
        Path named = config.dir().get().toAbsolutePath().normalize();
        if (!Files.isRegularFile(named.resolve("index.html"))) {
            throw new IllegalStateException("veil.viewer.dir has no index.html: it must name the dist folder of @ohif/app");
        }
        // The identity provider's origin goes into every page's policy: a URL that names none is a
        // configuration error, found at start-up rather than as a failure of every page.
        try {
            ViewerCsp.origin(config.oidcAuthority().orElse(issuer));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("veil.viewer.oidc-authority (or quarkus.oidc.auth-server-url): " + e.getMessage(), e);
        }
        // Its real path: every file served must really lie under it (ViewerRoutes#serve).
        Path dist;
        try {
            dist = named.toRealPath();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        // Vert.x lets "/viewer" match "/viewer/" as well: one route for both.
        router.get("/viewer").handler(ctx -> {
            if (ctx.normalizedPath().endsWith("/")) {
                sendChooser(ctx);
            } else {
                ctx.response().setStatusCode(302).putHeader("Location", BASE).end();
            }
        });
        router.get(BASE + "*").blockingHandler(ctx -> serve(ctx, dist), false);
        LOG.infof("the viewer is served at %s from %s", BASE, dist);
    }

    private void serve(RoutingContext ctx, Path dist) {
        if (ctx.normalizedPath().equals(SIGNED_OUT)) {
            sendChooser(ctx);
            return;
        }
        String rest = ctx.normalizedPath().substring(BASE.length());
        int slash = rest.indexOf('/');
        Optional<Purpose> purpose = Purpose.fromScope(Purpose.SCOPE_PREFIX + (slash < 0 ? rest : rest.substring(0, slash)));
        if (purpose.isEmpty()) {
            refuse(ctx, 404, "no viewer at this path: the viewer is at " + BASE + "{purpose}/");
            return;
        }
        if (slash < 0) {
            ctx.response().setStatusCode(302).putHeader("Location", ctx.normalizedPath() + "/").end();
            return;
        }
        String prefix = BASE + purpose.get().scopeName() + "/";
        String file = rest.substring(slash + 1);
        try {
            if (file.equals("app-config.js")) {
                send(ctx, "text/javascript", AppConfig.of(dist, purpose.get(), config.oidcAuthority().orElse(issuer),
                        config.oidcClientId()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            Path path = dist.resolve(file).normalize();
            if (!file.isEmpty() && path.startsWith(dist) && isServable(dist, path)) {
                if (file.endsWith("/")) {
                    // A file named as a folder: not the file (one path, one cached copy), nor an app route.
                    refuse(ctx, 404, "no viewer file at this path");
                    return;
                }
                if (extension(file).toLowerCase(java.util.Locale.ROOT).startsWith("htm")) {
                    // A page of the package other than its index (OHIF's silent-refresh.html, which
                    // loads a script from a CDN and which Veil's configuration does not use): one
                    // the viewer's policy does not cover could frame the viewer and read its token.
                    refuse(ctx, 404, "no viewer page at this path");
                    return;
                }
                String name = dist.relativize(path).toString();
                if (path.getParent().equals(dist) && namesRoot.computeIfAbsent(name, k -> namesRoot(path))) {
                    send(ctx, TYPES.get(extension(name)), rewritten.computeIfAbsent(prefix + name, k -> rootedAt(path, prefix)));
                } else {
                    ctx.response().putHeader("Content-Type", TYPES.getOrDefault(extension(name), "application/octet-stream"))
                            .putHeader("Cache-Control", "public, max-age=3600").sendFile(path.toString());
                }
                return;
            }
            // Everything else is a route of the single-page app.
            byte[] index = rewritten.computeIfAbsent(prefix, k -> indexAt(dist.resolve("index.html"), prefix));
            ctx.response().putHeader("Content-Security-Policy", policies.computeIfAbsent(prefix,
                    k -> ViewerCsp.forPage(new String(index, StandardCharsets.UTF_8), config.oidcAuthority().orElse(issuer))));
            send(ctx, "text/html; charset=utf-8", index);
        } catch (UncheckedIOException e) {
            LOG.errorf("the viewer's files cannot be read (%s)", Failures.describe(e));
            refuse(ctx, 503, "the viewer's files cannot be read");
        }
    }

    /**
     * A file of the app: a regular file whose real path lies under the dist folder (a link
     * inside it pointing elsewhere is not followed out), not index.html (answered rewritten, as a
     * route), and no hidden file (a name beginning with a dot, in any folder).
     */
    static boolean isServable(Path dist, Path path) {
        for (Path part : dist.relativize(path)) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        try {
            return Files.isRegularFile(path) && path.toRealPath().startsWith(dist) && !path.getFileName().toString().equals("index.html");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Answered as every other refusal of Veil: a JSON reason (docs/conformance.md). */
    private static void refuse(RoutingContext ctx, int status, String reason) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new io.vertx.core.json.JsonObject().put("status", status).put("reason", reason).encode());
    }

    /** index.html, with its own files, and OHIF's public URL, under the prefix. */
    static byte[] indexAt(Path index, String prefix) {
        String html = read(index)
                .replace("window.PUBLIC_URL = '/'", "window.PUBLIC_URL = '" + prefix + "'")
                // OHIF 3.13 minifies the same assignment.
                .replace("window.PUBLIC_URL=\"/\"", "window.PUBLIC_URL=\"" + prefix + "\"")
                .replace("href=\"/", "href=\"" + prefix)
                .replace("src=\"/", "src=\"" + prefix);
        return html.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A webpack runtime loads every further chunk, in the page or in its worker, from its public
     * path; a style sheet names its fonts and images from the root.
     */
    static byte[] rootedAt(Path file, String prefix) {
        String text = read(file);
        text = file.toString().endsWith(".css") ? text.replace(CSS_AT_ROOT, "url(" + prefix)
                : text.replace(RUNTIME_AT_ROOT, "__webpack_require__.p = \"" + prefix + "\"");
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean namesRoot(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".js") && read(file).contains(RUNTIME_AT_ROOT) || name.endsWith(".css") && read(file).contains(CSS_AT_ROOT);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String extension(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1);
    }

    /** The chooser: links and a style sheet, no script, under a policy that allows none (ViewerCsp#CHOOSER). */
    private static void sendChooser(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", ViewerCsp.CHOOSER);
        send(ctx, "text/html; charset=utf-8", ChooserPage.html().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(RoutingContext ctx, String type, byte[] body) {
        ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache").end(Buffer.buffer(body));
    }
}
