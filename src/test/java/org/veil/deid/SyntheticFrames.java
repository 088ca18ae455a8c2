package org.veil.deid;

import java.util.Random;

/** 8-bit grey frames without text, as the text check sees them, for its tests and its benchmark. */
public final class SyntheticFrames {

    private SyntheticFrames() {
    }

    /** A CT-like frame: air, a disc of soft tissue with noise, a ring of bone. */
    public static byte[] plainCt(int size) {
        byte[] out = new byte[size * size];
        Random r = new Random(1);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double d = Math.hypot(x - size / 2.0, y - size / 2.0);
                int v = d < size * 0.35 ? 110 + (int) (r.nextGaussian() * 8) : d < size * 0.4 ? 230 : 0;
                out[y * size + x] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }

    /** A light page with mild noise, as a scanned or secondary-capture document shows. */
    public static byte[] paper(int size) {
        byte[] out = new byte[size * size];
        Random r = new Random(2);
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.max(0, Math.min(255, 225 + (int) (r.nextGaussian() * 6)));
        }
        return out;
    }
}
