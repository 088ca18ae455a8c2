package org.veil.dicomweb;

import java.util.Collection;
import java.util.List;
import org.veil.dicom.TransferSyntax;

/**
 * Content negotiation for WADO-RS (PS3.18 8.7): picks a representation from the Accept header,
 * in q order, among those Veil can send without transcoding. Veil never transcodes, so a request
 * that names only other transfer syntaxes gets 406.
 */
final class Negotiation {
    static final String DICOM = "application/dicom";
    static final String OCTET_STREAM = "application/octet-stream";

    private Negotiation() {
    }

    /** Instances: multipart/related of application/dicom in the stored transfer syntaxes. */
    static void instances(String accept, Collection<String> storedSyntaxes) throws NotAcceptableException {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.matches("multipart", "related")) {
                String type = r.param("type");
                if ((type == null || type.equals(DICOM)) && syntaxAllowed(r.param("transfer-syntax"), storedSyntaxes)) {
                    return;
                }
            }
        }
        throw new NotAcceptableException("instances are available only as multipart/related; type=\"application/dicom\""
                + " in their stored transfer syntax");
    }

    /** Metadata: DICOM JSON. */
    static void metadata(String accept) throws NotAcceptableException {
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.matches("application", "dicom+json") || r.matches("application", "json")) {
                return;
            }
        }
        throw new NotAcceptableException("metadata is available only as application/dicom+json");
    }

    /**
     * Frames and pixel bulk data: returns the Content-Type each part gets, with the transfer
     * syntax named so that the client knows how to decode it.
     */
    static String frames(String accept, TransferSyntax ts) throws NotAcceptableException {
        String labelled = "; transfer-syntax=" + ts.uid();
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (!r.matches("multipart", "related")) {
                continue;
            }
            String type = r.param("type");
            String syntax = r.param("transfer-syntax");
            if (type == null) {
                return ts.frameMediaType() + labelled;
            }
            if (syntax != null && !syntax.equals("*") && !syntax.equals(ts.uid())) {
                continue;
            }
            if (type.equals(OCTET_STREAM)) {
                // Without a transfer-syntax parameter octet-stream means Explicit VR Little Endian,
                // whose native pixel bytes are those of every little-endian native syntax.
                if (syntax != null || (!ts.isEncapsulated() && !ts.isBigEndian())) {
                    return OCTET_STREAM + labelled;
                }
            } else if (type.equals(ts.frameMediaType())) {
                return type + labelled;
            }
        }
        throw new NotAcceptableException("frames are available only in their stored transfer syntax, "
                + (ts.isEncapsulated() ? ts.frameMediaType() : OCTET_STREAM));
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

    private static boolean syntaxAllowed(String requested, Collection<String> stored) {
        return requested == null || requested.equals("*") || stored.stream().allMatch(requested::equals);
    }

    static List<Integer> parseFrameList(String s) throws InvalidRequestException {
        try {
            List<Integer> frames = java.util.Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
            if (frames.isEmpty() || frames.stream().anyMatch(f -> f < 1)) {
                throw new InvalidRequestException("frame numbers start at 1");
            }
            return frames;
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("frame list must be comma-separated numbers");
        }
    }
}
