package org.veil.deid;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;

/**
 * A data set written byte by byte in Explicit VR Little Endian, for hostile fixtures that a toolkit
 * would normalise on the way: UN sequences of defined length (whose content is Implicit VR Little
 * Endian all the way down, PS3.5 6.2.2), file meta elements inside items, VRs that contradict the
 * dictionary, NUL bytes inside values, non-dictionary tags. Elements are kept in tag order, as
 * PS3.5 7.1 asks (Veil refuses anything else at STOW).
 */
public final class RawDataset {
    private static final String LONG_VRS = "OB OW OF OD OL OV UN SQ UT UC UR SV UV";

    /** One element: a value, or the items of a sequence. */
    private record Element(int tag, String vr, byte[] value, List<RawDataset> items) {
    }

    private final TreeMap<Long, Element> elements = new TreeMap<>();

    public RawDataset put(int tag, String vr, byte[] value) {
        elements.put(tag & 0xFFFFFFFFL, new Element(tag, vr, value, null));
        return this;
    }

    public RawDataset text(int tag, String vr, String value) {
        return put(tag, vr, padded(value.getBytes(StandardCharsets.ISO_8859_1), vr.equals("UI") ? 0 : ' '));
    }

    public RawDataset text(int tag, String vr, String value, Charset charset) {
        return put(tag, vr, padded(value.getBytes(charset), ' '));
    }

    public RawDataset us(int tag, int... values) {
        byte[] b = new byte[2 * values.length];
        for (int i = 0; i < values.length; i++) {
            b[2 * i] = (byte) values[i];
            b[2 * i + 1] = (byte) (values[i] >>> 8);
        }
        return put(tag, "US", b);
    }

    /** A sequence of defined length, written with the given VR (SQ, or UN to hide it, PS3.5 6.2.2). */
    public RawDataset sequence(int tag, String vr, RawDataset... items) {
        elements.put(tag & 0xFFFFFFFFL, new Element(tag, vr, null, List.of(items)));
        return this;
    }

    public RawDataset remove(int tag) {
        elements.remove(tag & 0xFFFFFFFFL);
        return this;
    }

    /** The elements in Explicit VR Little Endian. */
    public byte[] bytes() {
        return encode(false);
    }

    private byte[] encode(boolean implicit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Element e : elements.values()) {
            byte[] value = e.items() == null ? e.value() : items(e.items(), implicit || e.vr().equals("UN"));
            out.writeBytes(implicit ? implicitElement(e.tag(), value) : element(e.tag(), e.vr(), value));
        }
        return out.toByteArray();
    }

    private static byte[] items(List<RawDataset> items, boolean implicit) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (RawDataset item : items) {
            byte[] body = item.encode(implicit);
            content.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0});
            content.writeBytes(le32(body.length));
            content.writeBytes(body);
        }
        return content.toByteArray();
    }

    /** A Part 10 file of this data set, with File Meta Information naming its SOP class and instance. */
    public byte[] part10(String sopClass, String sopInstance) {
        return part10(sopClass, sopInstance, "1.2.840.10008.1.2.1");
    }

    /** As {@link #part10(String, String)}, in Explicit VR or, for 1.2.840.10008.1.2, Implicit VR Little Endian. */
    public byte[] part10(String sopClass, String sopInstance, String transferSyntax) {
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        meta.writeBytes(element(0x00020001, "OB", new byte[] {0, 1}));
        meta.writeBytes(element(0x00020002, "UI", padded(sopClass.getBytes(StandardCharsets.US_ASCII), 0)));
        meta.writeBytes(element(0x00020003, "UI", padded(sopInstance.getBytes(StandardCharsets.US_ASCII), 0)));
        meta.writeBytes(element(0x00020010, "UI", padded(transferSyntax.getBytes(StandardCharsets.US_ASCII), 0)));
        meta.writeBytes(element(0x00020012, "UI", padded("1.2.826.0.1.3680043.10.1".getBytes(StandardCharsets.US_ASCII), 0)));
        meta.writeBytes(element(0x00020016, "AE", padded("ZZLEAKMETA".getBytes(StandardCharsets.US_ASCII), ' ')));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(element(0x00020000, "UL", le32(meta.size())));
        out.writeBytes(meta.toByteArray());
        out.writeBytes(encode(transferSyntax.equals("1.2.840.10008.1.2")));
        return out.toByteArray();
    }

    static byte[] element(int tag, String vr, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tag(tag));
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (LONG_VRS.contains(vr)) {
            out.writeBytes(new byte[2]);
            out.writeBytes(le32(value.length));
        } else {
            out.writeBytes(new byte[] {(byte) value.length, (byte) (value.length >>> 8)});
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] implicitElement(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tag(tag));
        out.writeBytes(le32(value.length));
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] tag(int tag) {
        return new byte[] {(byte) (tag >>> 16), (byte) (tag >>> 24), (byte) tag, (byte) (tag >>> 8)};
    }

    static byte[] padded(byte[] b, int pad) {
        if (b.length % 2 == 0) {
            return b;
        }
        byte[] out = java.util.Arrays.copyOf(b, b.length + 1);
        out[b.length] = (byte) pad;
        return out;
    }

    /** A double as FD's eight bytes, little-endian. */
    static byte[] le64(double d) {
        long v = Double.doubleToLongBits(d);
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
