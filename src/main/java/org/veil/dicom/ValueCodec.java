package org.veil.dicom;

/** Fixed-width binary values in either byte order (PS3.5 7.3). */
final class ValueCodec {
    private ValueCodec() {
    }

    static int u16(byte[] b, int off, boolean bigEndian) {
        return bigEndian
                ? ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF)
                : (b[off] & 0xFF) | ((b[off + 1] & 0xFF) << 8);
    }

    static long u32(byte[] b, int off, boolean bigEndian) {
        return bigEndian
                ? ((long) u16(b, off, true) << 16) | u16(b, off + 2, true)
                : u16(b, off, false) | ((long) u16(b, off + 2, false) << 16);
    }

    static long u64(byte[] b, int off, boolean bigEndian) {
        return bigEndian
                ? (u32(b, off, true) << 32) | u32(b, off + 4, true)
                : u32(b, off, false) | (u32(b, off + 4, false) << 32);
    }
}
