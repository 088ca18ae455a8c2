package org.veil.dicom;

/**
 * How a stored sample is a number (PS3.3 C.7.6.3.1): Bits Allocated, Bits Stored (the high bit
 * is Bits Stored - 1, PS3.5 8.1.1) and Pixel Representation.
 */
record SampleFormat(int bitsAllocated, int bitsStored, boolean signed) {

    /** A stored sample as a number: sign-extended from the high bit when Pixel Representation is signed. */
    int value(int raw) {
        if (bitsAllocated == 1) {
            return raw;
        }
        int v = bitsStored == 32 ? raw : raw & ((1 << bitsStored) - 1);
        if (signed && bitsStored < 32 && (v & (1 << (bitsStored - 1))) != 0) {
            v -= 1 << bitsStored;
        }
        return v;
    }

    /** The stored form of a number, in Bits Allocated. */
    int raw(int value) {
        return bitsAllocated == 32 ? value : value & ((1 << bitsAllocated) - 1);
    }

    /** A colour sample scaled to eight bits by its top stored bits. */
    int scale8(int sample) {
        return bitsStored <= 8 ? sample & 0xFF : (sample & ((1 << bitsStored) - 1)) >>> (bitsStored - 8);
    }
}
