package org.veil.dicomweb;

import java.util.Collection;
import java.util.List;
import org.veil.dicom.TransferSyntax;

/**
 * Content negotiation for WADO-RS (PS3.18 8.7): picks a representation from the Accept header,
 * in q order, among those Veil can send: stored, or in Explicit VR Little Endian where it can
 * decode. A request that names only other transfer syntaxes gets 406.
 */
final class Negotiation {
    static final String DICOM = "application/dicom";
    static final String OCTET_STREAM = "application/octet-stream";

    private Negotiation() {
    }

    /** How the instances of a retrieval are encoded. */
    enum InstanceSyntax {
        /** As stored: {@code transfer-syntax=*}, or the stored syntax named. */
        STORED,
        /** Explicit VR Little Endian named: every instance in it, or 406. */
        EXPLICIT_NAMED,
        /**
         * No syntax named: Explicit VR Little Endian, the default of PS3.18 8.7.3.4, except for what
         * it permits to stay as stored (lossy pixel data) and what Veil cannot decode.
         */
        DEFAULT
    }

    /**
     * Instances: multipart/related of application/dicom, in Explicit VR Little Endian by default
     * (PS3.18 8.7.3.4), as stored when {@code *} or their stored syntax is named, in Explicit VR
     * Little Endian when named and every instance can be decoded ({@code transcodable}).
     */
    static InstanceSyntax instances(String accept, Collection<String> storedSyntaxes, boolean transcodable)
            throws NotAcceptableException {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.matches("multipart", "related")) {
                String type = r.param("type");
                if (type != null && !type.equals(DICOM)) {
                    continue;
                }
                String syntax = r.param("transfer-syntax");
                if (syntax == null) {
                    return InstanceSyntax.DEFAULT;
                }
                if (syntax.equals("*") || storedSyntaxes.stream().allMatch(syntax::equals)) {
                    return InstanceSyntax.STORED;
                }
                if (TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid().equals(syntax) && transcodable) {
                    return InstanceSyntax.EXPLICIT_NAMED;
                }
            }
        }
        throw new NotAcceptableException("instances are available as multipart/related; type=\"application/dicom\""
                + " in their stored transfer syntax, or in Explicit VR Little Endian where Veil can decode them");
    }

    /**
     * Metadata and search results: DICOM JSON, or the Native DICOM Model in XML as
     * {@code multipart/related; type="application/dicom+xml"} (PS3.18 Table 10.4.4-1, PS3.19 A.1).
     * Returns true for XML.
     */
    static boolean metadata(String accept) throws NotAcceptableException {
        return metadata(accept, "metadata");
    }

    /** As {@link #metadata(String)}; {@code what} names the answer in the refusal (metadata, search results). */
    static boolean metadata(String accept, String what) throws NotAcceptableException {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.matches("application", "dicom+json") || r.matches("application", "json")) {
                return false;
            }
            if (r.type().equals("multipart") && r.subtype().equals("related") && DICOM_XML.equals(r.param("type"))) {
                return true;
            }
        }
        throw new NotAcceptableException(what + " are available as application/dicom+json or multipart/related; type=\"application/dicom+xml\"");
    }

    static final String DICOM_XML = "application/dicom+xml";

    /**
     * The Store Instances Response (PS3.18 10.5.3) is one data set: as DICOM JSON (the default,
     * also for {@code application/json} and wildcards) or as one Native DICOM Model document
     * ({@code application/dicom+xml}, which dcm4che's stowrs asks for). True for XML.
     */
    static boolean storeResponseXml(String accept) throws NotAcceptableException {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.matches("application", "dicom+json") || r.matches("application", "json")) {
                return false;
            }
            if (r.type().equals("application") && r.subtype().equals("dicom+xml")) {
                return true;
            }
        }
        throw new NotAcceptableException("the store response is available as application/dicom+json or application/dicom+xml");
    }

    /**
     * Frames and pixel bulk data: returns the Content-Type each part gets, with the transfer
     * syntax named so that the client knows how to decode it.
     */
    static String frames(String accept, TransferSyntax ts) throws NotAcceptableException {
        String labelled = "; transfer-syntax=" + ts.uid();
        boolean nativeLittleEndian = !ts.isEncapsulated() && !ts.isBigEndian();
        // Native little-endian samples are Explicit VR Little Endian's, and are labelled so unless
        // the stored syntax was named: Implicit VR is not used by web services (PS3.18 8.7.3).
        String explicitLabel = "; transfer-syntax=" + TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (!r.matches("multipart", "related")) {
                continue;
            }
            String type = r.param("type");
            String syntax = r.param("transfer-syntax");
            if (type == null) {
                return ts.frameMediaType() + (nativeLittleEndian ? explicitLabel : labelled);
            }
            if (syntax != null && syntax.equals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()) && nativeLittleEndian
                    && type.equals(OCTET_STREAM)) {
                // The native samples of every little-endian syntax are Explicit VR Little Endian's.
                return OCTET_STREAM + "; transfer-syntax=" + syntax;
            }
            if (syntax != null && !syntax.equals("*") && !syntax.equals(ts.uid())) {
                continue;
            }
            if (type.equals(OCTET_STREAM)) {
                // Without a transfer-syntax parameter octet-stream means Explicit VR Little Endian,
                // whose native pixel bytes are those of every little-endian native syntax.
                if (syntax != null) {
                    return OCTET_STREAM + labelled;
                }
                if (nativeLittleEndian) {
                    return OCTET_STREAM + explicitLabel;
                }
            } else if (type.equals(ts.frameMediaType())) {
                return type + labelled;
            }
        }
        throw new NotAcceptableException("frames are available only in their stored transfer syntax, "
                + (ts.isEncapsulated() ? ts.frameMediaType() : OCTET_STREAM));
    }

    /**
     * True when the client's first acceptable choice is a single {@code application/octet-stream}
     * body rather than multipart/related (PS3.18 8.7.3.3, single-part bulk data and frames).
     */
    static boolean singleOctetStream(String accept) {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.matches("multipart", "related")) {
                return false;
            }
            if (r.type().equals("application") && r.subtype().equals("octet-stream")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the client asks for frames as native {@code application/octet-stream} in Explicit
     * VR Little Endian (no transfer-syntax parameter, or that syntax's UID: PS3.18 8.7.3.5) of an
     * instance stored otherwise (compressed, or big-endian), whose frames must then be decoded.
     */
    static boolean decodedFrames(String accept, TransferSyntax ts) {
        if (!ts.isEncapsulated() && !ts.isBigEndian() || ts.isLossy()) {
            // Lossy frames are served only as their codestream: decoded, nothing would show the loss.
            return false;
        }
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (!r.matches("multipart", "related")) {
                continue;
            }
            String type = r.param("type");
            String syntax = r.param("transfer-syntax");
            if (type == null) {
                // */*, no Accept, or multipart/related without a type: the resource's first row,
                // octet-stream in Explicit VR Little Endian (PS3.18 8.7.3.5), so lossless
                // compressed and big-endian frames are decoded (lossy ones were left as stored above).
                return true;
            }
            if (syntax != null && (syntax.equals("*") || syntax.equals(ts.uid()))) {
                return false;
            }
            if (type.equals(OCTET_STREAM) && (syntax == null || syntax.equals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()))) {
                return true;
            }
            if (type.equals(ts.frameMediaType())) {
                return false;
            }
        }
        return false;
    }

    /**
     * Whether a request for instances asks for their bulk data instead: PS3.18 Table 10.4.4-1 keeps
     * {@code multipart/related; type="application/octet-stream"} on Instance Resources, "equivalent
     * to requesting the corresponding Bulkdata Resource". Only when it asks for no instances at
     * all: a client listing both gets the instances, as it did before.
     */
    static boolean bulkDataInstead(String accept) {
        boolean octets = false;
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.matches("multipart", "related")) {
                String type = r.param("type");
                if (type == null || type.equals(DICOM)) {
                    return false;
                }
                octets |= type.equals(OCTET_STREAM);
            }
        }
        return octets;
    }

    /** Other bulk data: octet-stream. */
    static void bulkData(String accept) throws NotAcceptableException {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.matches("multipart", "related")) {
                String type = r.param("type");
                if (type == null || type.equals(OCTET_STREAM)) {
                    return;
                }
            }
        }
        throw new NotAcceptableException("bulk data is available only as multipart/related; type=\"application/octet-stream\"");
    }

    /** What a rendered resource can be answered with. */
    enum Shape { SINGLE, MULTIPART, EITHER }

    /**
     * Rendered and thumbnail resources: a consumer format (JPEG unless PNG or GIF is asked for),
     * as one image or as the parts of multipart/related, as the resource allows.
     */
    static Rendering rendered(String accept, Shape shape) throws NotAcceptableException {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.type().equals("multipart") && r.subtype().equals("related")) {
                java.util.Optional<org.veil.dicom.Renderer.Format> f = imageFormat(r.param("type"));
                if (shape != Shape.SINGLE && f.isPresent()) {
                    return new Rendering(f.get(), true);
                }
            } else if (r.type().equals("*")) {
                return new Rendering(org.veil.dicom.Renderer.Format.JPEG, shape == Shape.MULTIPART);
            } else if (shape != Shape.MULTIPART) {
                java.util.Optional<org.veil.dicom.Renderer.Format> f = imageFormat(r.type() + "/" + r.subtype());
                if (f.isPresent()) {
                    return new Rendering(f.get(), false);
                }
            }
        }
        throw new NotAcceptableException(switch (shape) {
            case SINGLE -> "this resource is rendered as one image/jpeg, image/png or image/gif";
            case MULTIPART -> "this resource is rendered as multipart/related of image/jpeg, image/png or image/gif";
            case EITHER -> "rendered images are image/jpeg, image/png or image/gif, alone or in multipart/related";
        });
    }

    record Rendering(org.veil.dicom.Renderer.Format format, boolean multipart) {
    }

    /** A media type or range to a format; wildcards take JPEG, the default of PS3.18 8.7.3.3. */
    private static java.util.Optional<org.veil.dicom.Renderer.Format> imageFormat(String type) {
        if (type == null || type.equals("*/*") || type.equals("image/*")) {
            return java.util.Optional.of(org.veil.dicom.Renderer.Format.JPEG);
        }
        for (org.veil.dicom.Renderer.Format f : org.veil.dicom.Renderer.Format.values()) {
            if (f.mediaType.equals(type)) {
                return java.util.Optional.of(f);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * A frame list of a frames or rendered path (PS3.18 8.3.3.2): numbers from 1, each once, at
     * most {@code max} of them, so that one request's cost is bounded.
     */
    static List<Integer> parseFrameList(String s, int max) throws InvalidRequestException {
        String[] parts = s.split(",", max + 1);
        if (parts.length > max) {
            throw new InvalidRequestException("a request asks for at most " + max + " frames");
        }
        List<Integer> frames = new java.util.ArrayList<>(parts.length);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (String part : parts) {
            int f;
            try {
                f = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("frame list must be comma-separated numbers");
            }
            if (f < 1) {
                throw new InvalidRequestException("frame numbers start at 1");
            }
            if (!seen.add(f)) {
                throw new InvalidRequestException("a frame list names each frame once");
            }
            frames.add(f);
        }
        return List.copyOf(frames);
    }
}
