package org.veil.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;

/**
 * Part 10 files written byte by byte that cost a reader as much as they can: many elements,
 * many fragments, deflate that inflates a thousandfold, escape sequences cut off. Each file is a
 * Secondary Capture instance of its own study, patient {@code HOSTILE}, with fresh UIDs.
 */
public final class HostileFiles {
    private static final AtomicLong NEXT = new AtomicLong(System.nanoTime());
    private static final String SC = "1.2.840.10008.5.1.4.1.1.7";

    private HostileFiles() {
    }

    /** Implicit VR Little Endian with {@code n} empty private elements after the identifying ones. */
    public static byte[] manyElements(int n) {
        ByteBuffer b = le(64 * 4 + 8L * n);
        String sop = identity(b, true);
        for (int i = 0; i < n; i++) {
            b.putShort((short) (0x0021 + 2 * (i / 60000))).putShort((short) (0x1000 + i % 60000)).putInt(0);
        }
        return part10("1.2.840.10008.1.2", sop, b);
    }

    /** Explicit VR Little Endian, 8-bit grey 1 x 1 x n frames, encapsulated (JPEG baseline) with n empty fragments. */
    public static byte[] manyFragments(int n) {
        ByteBuffer b = le(1024 + 8L * n);
        String sop = identity(b, false);
        greyPixel(b, n);
        b.putShort((short) 0x7FE0).putShort((short) 0x0010).put("OB".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0).putInt(-1);
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0); // empty basic offset table
        for (int i = 0; i < n; i++) {
            b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0);
        }
        b.putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
        return part10("1.2.840.10008.1.2.4.50", sop, b);
    }

    /** Explicit VR Little Endian, 8-bit grey 1 x 1, one frame encapsulated in {@code transferSyntax} as these bytes. */
    public static byte[] oneFrame(String transferSyntax, byte[] frame) {
        byte[] even = frame.length % 2 == 0 ? frame : java.util.Arrays.copyOf(frame, frame.length + 1);
        ByteBuffer b = le(1024 + even.length);
        String sop = identity(b, false);
        greyPixel(b, 0);
        b.putShort((short) 0x7FE0).putShort((short) 0x0010).put("OB".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0).putInt(-1);
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0); // empty basic offset table
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(even.length).put(even);
        b.putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
        return part10(transferSyntax, sop, b);
    }

    /** The image pixel description of an 8-bit grey 1 x 1 image, of {@code frames} frames (none written when 0). */
    private static void greyPixel(ByteBuffer b, int frames) {
        explicit(b, 0x00280002, "US", shorts(1));
        explicit(b, 0x00280004, "CS", "MONOCHROME2 ".getBytes(StandardCharsets.US_ASCII));
        if (frames > 0) {
            explicit(b, 0x00280008, "IS", pad(Integer.toString(frames)));
        }
        explicit(b, 0x00280010, "US", shorts(1));
        explicit(b, 0x00280011, "US", shorts(1));
        explicit(b, 0x00280100, "US", shorts(8));
        explicit(b, 0x00280101, "US", shorts(8));
        explicit(b, 0x00280102, "US", shorts(7));
        explicit(b, 0x00280103, "US", shorts(0));
    }

    /**
     * Deflated Explicit VR Little Endian whose data set inflates to about {@code inflatedBytes}:
     * the identifying elements, then one private OB of zeros.
     */
    public static byte[] deflated(long inflatedBytes) {
        ByteBuffer head = le(1024);
        String sop = identity(head, false);
        head.putShort((short) 0x0021).putShort((short) 0x0010).put("LO".getBytes(StandardCharsets.US_ASCII)).putShort((short) 4)
                .put("VEIL".getBytes(StandardCharsets.US_ASCII));
        long zeros = Math.max(0, inflatedBytes - head.position() - 12) & ~1L;
        head.putShort((short) 0x0021).putShort((short) 0x1000).put("OB".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0)
                .putInt((int) zeros);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        deflater.setInput(head.array(), 0, head.position());
        drain(deflater, out, buf);
        byte[] chunk = new byte[1 << 20];
        for (long left = zeros; left > 0; left -= chunk.length) {
            deflater.setInput(chunk, 0, (int) Math.min(chunk.length, left));
            drain(deflater, out, buf);
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return part10("1.2.840.10008.1.2.1.99", sop, ByteBuffer.wrap(out.toByteArray()).position(out.size()));
    }

    /** A PatientName whose value ends in {@code tail} under ISO 2022 IR 87 (Japanese): a cut escape sequence. */
    public static byte[] iso2022Name(byte[] tail) {
        ByteBuffer b = le(1024);
        explicit(b, 0x00080005, "CS", "\\ISO 2022 IR 87".getBytes(StandardCharsets.US_ASCII));
        String sop = uids(b, false);
        byte[] name = new byte[16];
        java.util.Arrays.fill(name, (byte) 'A');
        System.arraycopy(tail, 0, name, name.length - tail.length, tail.length);
        explicit(b, 0x00100010, "PN", name);
        explicit(b, 0x00100020, "LO", pad("HOSTILE"));
        studyAndSeries(b, false);
        return part10("1.2.840.10008.1.2.1", sop, b);
    }

    private static void drain(Deflater deflater, ByteArrayOutputStream out, byte[] buf) {
        while (!deflater.needsInput()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
    }

    private static String uid() {
        return "2.25." + NEXT.incrementAndGet();
    }

    private static ByteBuffer le(long size) {
        return ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** SOP Class and Instance, PatientID, study and series; returns the SOP Instance UID. */
    private static String identity(ByteBuffer b, boolean implicit) {
        String sop = uids(b, implicit);
        element(b, 0x00100020, "LO", pad("HOSTILE"), implicit);
        studyAndSeries(b, implicit);
        return sop;
    }

    private static String uids(ByteBuffer b, boolean implicit) {
        String sop = uid();
        element(b, 0x00080016, "UI", ui(SC), implicit);
        element(b, 0x00080018, "UI", ui(sop), implicit);
        return sop;
    }

    private static void studyAndSeries(ByteBuffer b, boolean implicit) {
        element(b, 0x0020000D, "UI", ui(uid()), implicit);
        element(b, 0x0020000E, "UI", ui(uid()), implicit);
    }

    private static void element(ByteBuffer b, int tag, String vr, byte[] value, boolean implicit) {
        if (implicit) {
            b.putShort((short) (tag >>> 16)).putShort((short) tag).putInt(value.length).put(value);
        } else {
            explicit(b, tag, vr, value);
        }
    }

    private static void explicit(ByteBuffer b, int tag, String vr, byte[] value) {
        b.putShort((short) (tag >>> 16)).putShort((short) tag).put(vr.getBytes(StandardCharsets.US_ASCII))
                .putShort((short) value.length).put(value);
    }

    private static byte[] ui(String uid) {
        byte[] raw = uid.getBytes(StandardCharsets.US_ASCII);
        return raw.length % 2 == 0 ? raw : java.util.Arrays.copyOf(raw, raw.length + 1);
    }

    private static byte[] pad(String s) {
        return (s.length() % 2 == 0 ? s : s + " ").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] shorts(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8)};
    }

    /** A fresh UID under 2.25, as the files here use. */
    public static String newUid() {
        return uid();
    }

    /** Preamble, DICM and File Meta Information (explicit VR LE) for a Secondary Capture, then the data set bytes. */
    public static byte[] part10(String transferSyntax, String sop, byte[] dataset) {
        return part10(transferSyntax, sop, ByteBuffer.wrap(dataset).position(dataset.length));
    }

    /** Preamble, DICM, File Meta Information (explicit VR LE), then the data set as given. */
    private static byte[] part10(String transferSyntax, String sop, ByteBuffer dataset) {
        ByteBuffer meta = le(512);
        meta.putShort((short) 2).putShort((short) 1).put("OB".getBytes(StandardCharsets.US_ASCII)).putShort((short) 0).putInt(2)
                .put(new byte[] {0, 1});
        explicit(meta, 0x00020002, "UI", ui(SC));
        explicit(meta, 0x00020003, "UI", ui(sop));
        explicit(meta, 0x00020010, "UI", ui(transferSyntax));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer length = le(12);
        length.putShort((short) 2).putShort((short) 0).put("UL".getBytes(StandardCharsets.US_ASCII)).putShort((short) 4)
                .putInt(meta.position());
        out.write(length.array(), 0, length.position());
        out.write(meta.array(), 0, meta.position());
        out.write(dataset.array(), 0, dataset.position());
        return out.toByteArray();
    }
}
