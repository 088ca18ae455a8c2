package org.veil.dicom;

/**
 * One item of encapsulated pixel data (PS3.5 A.4): where its value starts in the stream, its
 * length, and its first bytes, which tell whether it opens a new compressed frame.
 */
public record Fragment(long offset, long length, int leadingBytes) {
    /** JPEG SOI (FFD8) or a JPEG 2000 codestream SOC (FF4F): the start of a compressed image. */
    public boolean startsImage() {
        int marker = leadingBytes >>> 16;
        return marker == 0xFFD8 || marker == 0xFF4F;
    }
}
