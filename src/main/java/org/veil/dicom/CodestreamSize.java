package org.veil.dicom;

import java.util.Optional;

/**
 * The image size a compressed frame declares in its own header, read before any decoder runs:
 * a JPEG's start of frame (ISO/IEC 10918-1 B.2.2; SOF55 of JPEG-LS has the same layout) or a
 * JPEG 2000 codestream's SIZ segment (ISO/IEC 15444-1 A.5.1). Decoders allocate what the
 * codestream declares, not what the DICOM header says (PS3.5 8.2 requires the two to agree): a
 * few hundred bytes declaring 46,000 x 46,000 would allocate gigabytes before Rows and Columns
 * are looked at.
 */
final class CodestreamSize {
    /** A declared size: columns and rows. */
    record Size(long width, long height) {
    }

    /** How far into a frame the header is looked for: the SIZ of a JP2 file follows its boxes. */
    private static final int SEARCH = 64 * 1024;

    private CodestreamSize() {
    }

    /** The size the frame declares, if a JPEG start of frame or a JPEG 2000 SIZ is found where it belongs. */
    static Optional<Size> of(byte[] frame) {
        if (frame.length >= 4 && u8(frame, 0) == 0xFF && u8(frame, 1) == 0xD8) {
            return jpeg(frame);
        }
        int limit = Math.min(frame.length, SEARCH) - 4;
        for (int i = 0; i < limit; i++) {
            // SOC followed by SIZ opens every JPEG 2000 codestream, bare or inside a JP2 file's box
            if (u8(frame, i) == 0xFF && u8(frame, i + 1) == 0x4F && u8(frame, i + 2) == 0xFF && u8(frame, i + 3) == 0x51) {
                int siz = i + 4;
                if (siz + 22 > frame.length) {
                    return Optional.empty();
                }
                long xsiz = u32(frame, siz + 4);
                long ysiz = u32(frame, siz + 8);
                long x0 = u32(frame, siz + 12);
                long y0 = u32(frame, siz + 16);
                return Optional.of(new Size(Math.max(0, xsiz - x0), Math.max(0, ysiz - y0)));
            }
        }
        return Optional.empty();
    }

    private static Optional<Size> jpeg(byte[] frame) {
        int i = 2;
        while (i + 4 <= frame.length && i < SEARCH) {
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
                if (i + 9 > frame.length) {
                    return Optional.empty();
                }
                return Optional.of(new Size(u16(frame, i + 7), u16(frame, i + 5)));
            }
            if (marker == 0xDA || marker == 0xD9 || length < 2) {
                return Optional.empty(); // scan or end before any frame header
            }
            i += 2 + length;
        }
        return Optional.empty();
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
