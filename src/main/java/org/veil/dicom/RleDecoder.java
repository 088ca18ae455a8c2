package org.veil.dicom;

/**
 * The RLE Lossless transfer syntax (PS3.5 Annex G), decoded by Veil: every bit depth and sample
 * count the standard allows (PixelMed's decoder stops at 16-bit colour and 32-bit samples). A
 * frame is a 64-byte header of segment offsets, then one PackBits segment per byte of each
 * sample, most significant byte first. Every offset and run is checked against the frame's
 * length and the image's size, because fragments are untrusted; bytes after what the image
 * needs (spare segments, padding) are not read.
 */
final class RleDecoder {
    private RleDecoder() {
    }

    /**
     * One frame as native little-endian samples, in the data set's planar configuration.
     *
     * @param bytesPerSample 1, 2 or 4
     */
    static byte[] decode(byte[] frame, int rows, int columns, int samplesPerPixel, int bytesPerSample, boolean planar)
            throws UndecodablePixelDataException {
        int pixels = rows * columns;
        int segments = samplesPerPixel * bytesPerSample;
        if (frame.length < 64 || segments > 15) {
            throw new UndecodablePixelDataException("the RLE frame has no valid header");
        }
        long declared = u32(frame, 0);
        if (declared < segments) {
            throw new UndecodablePixelDataException("the RLE frame has fewer segments than the image needs");
        }
        byte[] out = new byte[pixels * segments];
        for (int seg = 0; seg < segments; seg++) {
            long start = u32(frame, 4 + 4 * seg);
            long end = seg + 1 < declared && seg + 1 < 15 ? u32(frame, 8 + 4 * seg) : frame.length;
            if (start < 64 || end > frame.length || end < start) {
                throw new UndecodablePixelDataException("an RLE segment lies outside its frame");
            }
            int sample = seg / bytesPerSample;
            int significance = bytesPerSample - 1 - seg % bytesPerSample;
            unpack(frame, (int) start, (int) end, out, pixels, sample, significance, samplesPerPixel, bytesPerSample, planar);
        }
        return out;
    }

    /** PackBits (PS3.5 G.3.1): n >= 0 copies n + 1 bytes, n in -127..-1 repeats the next byte 1 - n times, -128 is nothing. */
    private static void unpack(byte[] in, int from, int to, byte[] out, int pixels, int sample, int significance, int samples,
                               int bytesPerSample, boolean planar) throws UndecodablePixelDataException {
        int pixel = 0;
        int i = from;
        while (pixel < pixels) {
            if (i >= to) {
                throw new UndecodablePixelDataException("an RLE segment ends before its image does");
            }
            int n = in[i++];
            if (n >= 0) {
                int count = n + 1;
                if (i + count > to || pixel + count > pixels) {
                    throw new UndecodablePixelDataException("an RLE run is longer than its segment or image");
                }
                for (int k = 0; k < count; k++) {
                    out[index(pixel++, pixels, sample, significance, samples, bytesPerSample, planar)] = in[i++];
                }
            } else if (n != -128) {
                int count = 1 - n;
                if (i >= to || pixel + count > pixels) {
                    throw new UndecodablePixelDataException("an RLE run is longer than its segment or image");
                }
                byte v = in[i++];
                for (int k = 0; k < count; k++) {
                    out[index(pixel++, pixels, sample, significance, samples, bytesPerSample, planar)] = v;
                }
            }
        }
    }

    private static int index(int pixel, int pixels, int sample, int significance, int samples, int bytesPerSample, boolean planar) {
        int s = planar ? sample * pixels + pixel : pixel * samples + sample;
        return s * bytesPerSample + significance;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }
}
