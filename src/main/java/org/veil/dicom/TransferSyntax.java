package org.veil.dicom;

import java.util.Arrays;
import java.util.Optional;

/**
 * The transfer syntaxes Veil stores (PS3.5 Annex A, PS3.6 Table A-1) and the media type each
 * frame has when retrieved in that syntax (PS3.18 Table 8.7.3-2).
 */
public enum TransferSyntax {
    IMPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2", Encoding.IMPLICIT_LE, "application/octet-stream"),
    EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1", Encoding.EXPLICIT_LE, "application/octet-stream"),
    DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1.99", Encoding.DEFLATED_LE, "application/octet-stream"),
    EXPLICIT_VR_BIG_ENDIAN("1.2.840.10008.1.2.2", Encoding.EXPLICIT_BE, "application/octet-stream"),
    JPEG_BASELINE("1.2.840.10008.1.2.4.50", Encoding.ENCAPSULATED, "image/jpeg"),
    JPEG_EXTENDED("1.2.840.10008.1.2.4.51", Encoding.ENCAPSULATED, "image/jpeg"),
    JPEG_LOSSLESS("1.2.840.10008.1.2.4.57", Encoding.ENCAPSULATED, "image/jpeg"),
    JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70", Encoding.ENCAPSULATED, "image/jpeg"),
    JPEG_LS_LOSSLESS("1.2.840.10008.1.2.4.80", Encoding.ENCAPSULATED, "image/jls"),
    JPEG_LS_NEAR_LOSSLESS("1.2.840.10008.1.2.4.81", Encoding.ENCAPSULATED, "image/jls"),
    JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", Encoding.ENCAPSULATED, "image/jp2"),
    JPEG_2000("1.2.840.10008.1.2.4.91", Encoding.ENCAPSULATED, "image/jp2"),
    HTJ2K_LOSSLESS("1.2.840.10008.1.2.4.201", Encoding.ENCAPSULATED, "image/jphc"),
    HTJ2K_LOSSLESS_RPCL("1.2.840.10008.1.2.4.202", Encoding.ENCAPSULATED, "image/jphc"),
    HTJ2K("1.2.840.10008.1.2.4.203", Encoding.ENCAPSULATED, "image/jphc"),
    MPEG2_MAIN("1.2.840.10008.1.2.4.100", Encoding.ENCAPSULATED, "video/mpeg"),
    MPEG4_HP41("1.2.840.10008.1.2.4.102", Encoding.ENCAPSULATED, "video/mp4"),
    RLE_LOSSLESS("1.2.840.10008.1.2.5", Encoding.ENCAPSULATED, "image/dicom-rle");

    /** How the data set that follows the File Meta Information is encoded. */
    public enum Encoding { IMPLICIT_LE, EXPLICIT_LE, DEFLATED_LE, EXPLICIT_BE, ENCAPSULATED }

    private final String uid;
    private final Encoding encoding;
    private final String frameMediaType;

    TransferSyntax(String uid, Encoding encoding, String frameMediaType) {
        this.uid = uid;
        this.encoding = encoding;
        this.frameMediaType = frameMediaType;
    }

    public String uid() {
        return uid;
    }

    public Encoding encoding() {
        return encoding;
    }

    public String frameMediaType() {
        return frameMediaType;
    }

    public boolean isEncapsulated() {
        return encoding == Encoding.ENCAPSULATED;
    }

    public boolean isBigEndian() {
        return encoding == Encoding.EXPLICIT_BE;
    }

    /** Compression that loses information (PS3.5 8.2): JPEG baseline and extended, JPEG-LS near-lossless, JPEG 2000, HTJ2K, MPEG. */
    public boolean isLossy() {
        return switch (this) {
            case JPEG_BASELINE, JPEG_EXTENDED, JPEG_LS_NEAR_LOSSLESS, JPEG_2000, HTJ2K, MPEG2_MAIN, MPEG4_HP41 -> true;
            default -> false;
        };
    }

    public boolean isImplicitVr() {
        return encoding == Encoding.IMPLICIT_LE;
    }

    public static Optional<TransferSyntax> forUid(String uid) {
        return Arrays.stream(values()).filter(ts -> ts.uid.equals(uid)).findFirst();
    }
}
