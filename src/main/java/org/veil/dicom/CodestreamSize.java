package org.veil.dicom;

import java.util.Optional;
import java.util.Set;

/**
 * The image size a compressed frame declares in its own header, read before any decoder runs:
 * a JPEG's start of frame (ISO/IEC 10918-1 B.2.2; SOF55 of JPEG-LS, ISO/IEC 14495-1, has the same
 * layout) or a JPEG 2000 codestream's SIZ segment (ISO/IEC 15444-1 A.5.1), bare or in a JP2
 * file's contiguous codestream box (Annex I). Decoders allocate what the codestream declares, not
 * what the DICOM header says (PS3.5 8.2 requires the two to agree): a few bytes declaring 46,000 x
 * 46,000 would allocate gigabytes before Rows and Columns are looked at.
 */
final class CodestreamSize {
    /** A declared size: columns and rows. */
    record Size(long width, long height) {
    }

    /** The codestream family of a transfer syntax: whose header {@link #of} reads; NONE for RLE and the rest. */
    enum Family { JPEG, JPEG_2000, NONE }

    private static final Set<String> JPEG = Set.of("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
            "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81");
    private static final Set<String> JPEG_2000 = Set.of("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
            "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
            "1.2.840.10008.1.2.4.203");
    /** Bytes a JPEG frame may hold before its SOI (some writers pad). */
    private static final int SOI_SEARCH = 64;

    private CodestreamSize() {
    }

    static Family family(String transferSyntax) {
        return JPEG.contains(transferSyntax) ? Family.JPEG : JPEG_2000.contains(transferSyntax) ? Family.JPEG_2000 : Family.NONE;
    }

    /** The size the frame declares; empty when its header is not where its family puts it (the frame is then refused). */
    static Optional<Size> of(Family family, byte[] frame) {
        return switch (family) {
            case JPEG -> jpeg(frame);
            case JPEG_2000 -> jpeg2000(frame);
            case NONE -> Optional.empty();
        };
    }

    /** Segment after segment by their lengths, however long (an APPn may be 64 KiB), up to the start of frame. */
    static Optional<Size> jpeg(byte[] frame) {
        int i = -1;
        for (int at = 0; at + 1 < Math.min(frame.length, SOI_SEARCH); at++) {
            if (u8(frame, at) == 0xFF && u8(frame, at + 1) == 0xD8) {
                i = at + 2;
                break;
            }
        }
        if (i < 0) {
            return Optional.empty();
        }
        while (i + 4 <= frame.length) {
            if (u8(frame, i) != 0xFF) {
                return Optional.empty();
            }
            int marker = u8(frame, i + 1);
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2; // no length
                continue;
            }
            int length = u16(frame, i + 2);
            boolean startOfFrame = (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
                    || marker == 0xF7;
            if (startOfFrame) {
                return i + 9 > frame.length ? Optional.empty() : Optional.of(new Size(u16(frame, i + 7), u16(frame, i + 5)));
            }
            if (marker == 0xDA || marker == 0xD9 || length < 2) {
                return Optional.empty(); // a scan or the end before any frame header
            }
            i += 2 + length;
        }
        return Optional.empty();
    }

    /** A bare codestream (SOC, then SIZ), or a JP2 file's boxes walked by their lengths to the codestream box. */
    static Optional<Size> jpeg2000(byte[] frame) {
        if (codestreamAt(frame, 0)) {
            return siz(frame, 4);
        }
        long p = 0;
        while (p + 8 <= frame.length) {
            long length = u32(frame, (int) p);
            int header = 8;
            if (length == 1) {
                if (p + 16 > frame.length) {
                    return Optional.empty();
                }
                length = (u32(frame, (int) p + 8) << 32) | u32(frame, (int) p + 12);
                header = 16;
            } else if (length == 0) {
                length = frame.length - p; // the last box runs to the end
            }
            if (length < header) {
                return Optional.empty();
            }
            boolean contiguousCodestream = u32(frame, (int) p + 4) == 0x6A703263L; // 'jp2c'
            if (contiguousCodestream) {
                int at = (int) (p + header);
                return codestreamAt(frame, at) ? siz(frame, at + 4) : Optional.empty();
            }
            p += length;
        }
        return Optional.empty();
    }

    private static boolean codestreamAt(byte[] frame, int at) {
        return at + 4 <= frame.length && u8(frame, at) == 0xFF && u8(frame, at + 1) == 0x4F && u8(frame, at + 2) == 0xFF
                && u8(frame, at + 3) == 0x51;
    }

    /** The SIZ segment's reference grid less its image offset (Xsiz - XOsiz, Ysiz - YOsiz). */
    private static Optional<Size> siz(byte[] frame, int siz) {
        if (siz + 22 > frame.length) {
            return Optional.empty();
        }
        long xsiz = u32(frame, siz + 4);
        long ysiz = u32(frame, siz + 8);
        long x0 = u32(frame, siz + 12);
        long y0 = u32(frame, siz + 16);
        return Optional.of(new Size(Math.max(0, xsiz - x0), Math.max(0, ysiz - y0)));
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i) {
        return (u8(b, i) << 8) | u8(b, i + 1);
    }

    private static long u32(byte[] b, int i) {
        return ((long) u16(b, i) << 16) | u16(b, i + 2);
    }
}
