package org.veil.dicom;

/**
 * The decoded values where PixelMed holds them, read and written in place: one sample per byte,
 * per 16-bit word, per pair of words (32 bits) or per bit (1 bit), so that cleaning costs no copy
 * of the image (PS3.5 8.1.1: Bits Allocated 1, 8, 16 or 32). What {@link PixelFrames} paints into.
 */
interface Samples {
    int get(int i);

    void set(int i, int v);

    int size();

    /**
     * The 16-bit words these samples are, in place, or null when they are not held as words: for
     * the loops over every pixel of a frame ({@link PixelFrames#renderings}), which the JIT
     * compiles to vector instructions over an array and not through {@link #get}.
     */
    default short[] wordArray() {
        return null;
    }

    /** The first {@code n} samples as 16-bit words, for writing native Pixel Data back. */
    default short[] words(int n) {
        short[] w = new short[n];
        for (int i = 0; i < n; i++) {
            w[i] = (short) get(i);
        }
        return w;
    }

    static Samples ofBytes(byte[] b, int n) {
        return new Samples() {
            public int get(int i) {
                return b[i] & 0xFF;
            }

            public void set(int i, int v) {
                b[i] = (byte) v;
            }

            public int size() {
                return n;
            }
        };
    }

    static Samples ofWords(short[] w, int n) {
        return new Samples() {
            public int get(int i) {
                return w[i] & 0xFFFF;
            }

            public void set(int i, int v) {
                w[i] = (short) v;
            }

            public int size() {
                return n;
            }

            @Override
            public short[] words(int count) {
                return java.util.Arrays.copyOf(w, count);
            }

            @Override
            public short[] wordArray() {
                return w;
            }
        };
    }

    static Samples ofPairs(short[] w, int n) {
        return new Samples() {
            public int get(int i) {
                return (w[2 * i] & 0xFFFF) | (w[2 * i + 1] << 16);
            }

            public void set(int i, int v) {
                w[2 * i] = (short) v;
                w[2 * i + 1] = (short) (v >>> 16);
            }

            public int size() {
                return n;
            }
        };
    }

    static Samples ofBits(byte[] packed, int n) {
        return new Samples() {
            public int get(int i) {
                return (packed[i >>> 3] >>> (i & 7)) & 1;
            }

            public void set(int i, int v) {
                if ((v & 1) != 0) {
                    packed[i >>> 3] |= (byte) (1 << (i & 7));
                } else {
                    packed[i >>> 3] &= (byte) ~(1 << (i & 7));
                }
            }

            public int size() {
                return n;
            }
        };
    }

    /** YBR_FULL_422 (PS3.3 C.7.6.3.1.2): Y Y Cb Cr for each pair of pixels, expanded to full YBR, colour by pixel. */
    static byte[] expand422(byte[] b, int rows, int columns, int frames) {
        int pairsPerRow = (columns + 1) / 2;
        PixelFrames.require((long) b.length >= (long) pairsPerRow * 4 * rows * frames);
        byte[] out = new byte[rows * columns * 3 * frames];
        int o = 0;
        int i = 0;
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < columns; x += 2) {
                    out[o++] = b[i];
                    out[o++] = b[i + 2];
                    out[o++] = b[i + 3];
                    if (x + 1 < columns) {
                        out[o++] = b[i + 1];
                        out[o++] = b[i + 2];
                        out[o++] = b[i + 3];
                    }
                    i += 4;
                }
            }
        }
        return out;
    }

    /** Little-endian bytes as 16-bit words: a word value PixelMed holds as bytes (pixels, a palette's table). */
    static short[] toShorts(byte[] littleEndian) {
        short[] w = new short[littleEndian.length / 2];
        for (int i = 0; i < w.length; i++) {
            w[i] = (short) ((littleEndian[2 * i] & 0xFF) | (littleEndian[2 * i + 1] << 8));
        }
        return w;
    }
}
