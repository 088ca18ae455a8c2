package org.veil.dicomweb;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.veil.dicom.Renderer;

/**
 * The query parameters of rendered and thumbnail resources (PS3.18 8.3.5.1): {@code window}
 * (center, width and optionally the function), {@code viewport} (width and height; the source
 * region form is refused), {@code quality} (1 to 100, for JPEG), {@code annotation} (accepted and
 * ignored: Veil burns nothing into images), {@code iccprofile=no}, and {@code accept} (media
 * types in place of the Accept header). Anything else is refused, as QIDO refuses unknown keys.
 */
final class RenderParameters {
    private static final Set<String> KNOWN = Set.of("window", "viewport", "quality", "annotation", "charset", "accept", "iccprofile");
    private static final Set<String> FUNCTIONS = Set.of("LINEAR", "LINEAR_EXACT", "SIGMOID");
    static final int DEFAULT_QUALITY = 90;

    private RenderParameters() {
    }

    static RenderedRetrieval.RenderRequest parse(MultivaluedMap<String, String> query, List<Integer> frames, boolean thumbnail)
            throws InvalidRequestException {
        for (String name : query.keySet()) {
            if (!KNOWN.contains(name)) {
                // Not echoed: a name a client made up may be anything, a patient's name included.
                throw new InvalidRequestException("unknown parameter for a rendered resource; the parameters are "
                        + String.join(", ", new java.util.TreeSet<>(KNOWN)));
            }
        }
        Optional<String> icc = single(query, "iccprofile");
        if (icc.isPresent() && !icc.get().equals("no")) {
            // PS3.18 8.3.5.1.5: Veil renders in the image's own colours and embeds no profile.
            throw new InvalidRequestException("iccprofile may only be no: rendered images carry no ICC profile");
        }
        single(query, "accept");
        return new RenderedRetrieval.RenderRequest(frames, thumbnail, window(single(query, "window")),
                viewport(single(query, "viewport")), quality(single(query, "quality")));
    }

    /** The media types of the {@code accept} query parameter (PS3.18 8.3.3.1), which stand for the Accept header. */
    static Optional<String> acceptParameter(MultivaluedMap<String, String> query) throws InvalidRequestException {
        return single(query, "accept");
    }

    private static Optional<String> single(MultivaluedMap<String, String> query, String name) throws InvalidRequestException {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw new InvalidRequestException(name + " may be given once");
        }
        return Optional.of(values.get(0));
    }

    private static Optional<Renderer.Window> window(Optional<String> value) throws InvalidRequestException {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = value.get().split(",");
        if (parts.length < 2 || parts.length > 3) {
            throw new InvalidRequestException("window is center,width[,function]");
        }
        double center = number(parts[0], "window center");
        double width = number(parts[1], "window width");
        if (width < 1) {
            throw new InvalidRequestException("window width must be at least 1");
        }
        // PS3.18 8.3.5.1.3 spells the function "linear-exact"; PS3.3 C.11.2.1.3 "LINEAR_EXACT".
        String function = parts.length == 3 ? parts[2].trim().toUpperCase(Locale.ROOT).replace('-', '_') : "LINEAR";
        if (!FUNCTIONS.contains(function)) {
            throw new InvalidRequestException("window function must be linear, linear-exact or sigmoid");
        }
        return Optional.of(new Renderer.Window(center, width, function));
    }

    private static Optional<Renderer.Viewport> viewport(Optional<String> value) throws InvalidRequestException {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = value.get().split(",");
        if (parts.length != 2) {
            throw new InvalidRequestException("viewport is width,height; source regions are not supported");
        }
        int w = (int) number(parts[0], "viewport width");
        int h = (int) number(parts[1], "viewport height");
        if (w < 1 || h < 1 || w > 4096 || h > 4096) {
            throw new InvalidRequestException("viewport sides are 1 to 4096 pixels");
        }
        return Optional.of(new Renderer.Viewport(w, h));
    }

    private static int quality(Optional<String> value) throws InvalidRequestException {
        if (value.isEmpty()) {
            return DEFAULT_QUALITY;
        }
        double q = number(value.get(), "quality");
        if (q < 1 || q > 100 || q != Math.floor(q)) {
            throw new InvalidRequestException("quality is a whole number from 1 to 100");
        }
        return (int) q;
    }

    private static double number(String s, String what) throws InvalidRequestException {
        try {
            double d = Double.parseDouble(s.trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(what + " is not a number");
        }
    }
}
