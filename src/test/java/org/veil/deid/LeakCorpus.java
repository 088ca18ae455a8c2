package org.veil.deid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.veil.TestData;
import org.veil.dicom.DataDictionary;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicom.Vr;

/**
 * A generated instance with a unique marker planted in every attribute of PS3.15 Table E.1-1 it
 * can hold (a value of the attribute's VR), in items of every sequence of the table, in private
 * blocks at the top level and inside items, and in an overlay and a curve. Markers are chosen so
 * that no two overlap and none can appear by chance: dates twelve years apart (shifts are under
 * ten), fixed-width UIDs, letter-digit strings.
 */
final class LeakCorpus {

    /** One planted marker: where, what bytes to look for, and the VR it was written as. */
    record Marker(String where, int tag, Vr vr, byte[] needle, boolean topLevel) {
        String text() {
            return new String(needle, StandardCharsets.ISO_8859_1);
        }
    }

    private final List<Marker> markers = new ArrayList<>();
    private final byte[] part10;
    private int next;
    private int dates;

    LeakCorpus() throws Exception {
        Part10Editor editor = Part10Editor.read(TestData.file("pydicom/MR_small.dcm"));
        EditableDataset root = editor.root();
        List<Integer> tags = tableTags();
        for (int tag : tags) {
            plant(root, tag, "top", true);
        }
        privateBlock(root, 0x0009, "top");
        overlayAndCurve(root);
        part10 = editor.toBytes();
        // Only what the written file holds counts as planted (PixelMed drops group 0000, for one).
        markers.removeIf(m -> LeakCorpusTest.indexOf(part10, m.needle()) < 0);
    }

    byte[] part10() {
        return part10;
    }

    List<Marker> markers() {
        return markers;
    }

    private void plant(EditableDataset ds, int tag, String where, boolean topLevel) {
        int group = Tag.group(tag);
        if (group == 0x0002 || tag == Tag.SOPClassUID || tag == Tag.TransferSyntaxUID) {
            return;
        }
        Vr vr = DataDictionary.vrForTag(tag);
        int n = ++next;
        String label = where + " " + Tag.toHex(tag);
        try {
            switch (vr) {
                case SQ -> {
                    List<EditableDataset> items = ds.newSequence(tag, 1);
                    EditableDataset item = items.get(0);
                    // Identifying attributes inside every sequence, one level further down, and a private block.
                    plantString(item, AttributeCleaner.PATIENT_NAME, Vr.PN, "MKN%05dQ".formatted(n), label + " > PatientName", false);
                    plantString(item, 0x00080050, Vr.SH, "MKA%05dQ".formatted(n), label + " > AccessionNumber", false);
                    EditableDataset deeper = item.newSequence(0x00081110, 1).get(0);
                    plantString(deeper, 0x00101001, Vr.PN, "MKO%05dQ".formatted(n), label + " > ReferencedStudy > OtherPatientNames", false);
                    if (n % 10 == 0) {
                        privateBlock(item, 0x0011, label);
                    }
                }
                case AE, CS -> plantString(ds, tag, vr, "MK%05dAE".formatted(n), label, topLevel);
                case SH, LO, LT, ST, UT, UC -> plantString(ds, tag, vr, "MKS%05dQ".formatted(n), label, topLevel);
                case PN -> plantString(ds, tag, vr, "MKP%05dQ".formatted(n), label, topLevel);
                case UR -> plantString(ds, tag, vr, "http://mku%05d.example/".formatted(n), label, topLevel);
                case AS -> plantString(ds, tag, vr, "0%02dY".formatted(50 + n % 40), label, topLevel);
                case DA -> plantString(ds, tag, vr, "%04d0615".formatted(1000 + 12 * nextDate()), label, topLevel);
                case DT -> plantString(ds, tag, vr, "%04d0615101010.%06d".formatted(1006 + 12 * nextDate(), n), label, topLevel);
                case TM -> plantString(ds, tag, vr, "101010.%06d".formatted(n), label, topLevel);
                case DS -> plantString(ds, tag, vr, "8%06d.5".formatted(n), label, topLevel);
                case IS -> plantString(ds, tag, vr, "7%07d".formatted(n), label, topLevel);
                case UI -> plantString(ds, tag, vr, "1.2.999.77.1%05d".formatted(n), label, topLevel);
                case US, SS -> {
                    byte[] b = "MU%06d".formatted(n).getBytes(StandardCharsets.US_ASCII);
                    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        short s = bb.getShort();
                        values.add(Integer.toString(vr == Vr.US ? Short.toUnsignedInt(s) : s));
                    }
                    ds.put(tag, vr, values);
                    markers.add(new Marker(label, tag, vr, b, topLevel));
                }
                case UL, SL -> {
                    byte[] b = "ML%06d".formatted(n).getBytes(StandardCharsets.US_ASCII);
                    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    int a = bb.getInt();
                    int c = bb.getInt();
                    ds.put(tag, vr, List.of(vr == Vr.UL ? Integer.toUnsignedString(a) : Integer.toString(a),
                            vr == Vr.UL ? Integer.toUnsignedString(c) : Integer.toString(c)));
                    markers.add(new Marker(label, tag, vr, b, topLevel));
                }
                case OB, OW, UN, OF, OL, OD, OV -> {
                    byte[] b = "MKB%05dZ".formatted(n).getBytes(StandardCharsets.US_ASCII);
                    ds.putBytes(tag, vr, b);
                    markers.add(new Marker(label, tag, vr, b, topLevel));
                }
                default -> {
                    // FL, FD, AT, SV, UV: no value can be made to spell a marker reliably
                }
            }
        } catch (IllegalArgumentException cannotHold) {
            // an attribute PixelMed cannot hold with this VR is left out, and not counted
        }
    }

    /**
     * Dates count on their own, twelve years apart from year 1000 (DT six years after): counted
     * with every other marker, the years wrapped past 2900 and two dates were the same.
     */
    private int nextDate() {
        dates++;
        if (dates >= 158) {
            throw new IllegalStateException("more dates than fit twelve years apart before year 2900");
        }
        return dates;
    }

    private void plantString(EditableDataset ds, int tag, Vr vr, String value, String where, boolean topLevel) {
        ds.put(tag, vr, value);
        markers.add(new Marker(where, tag, vr, value.getBytes(StandardCharsets.US_ASCII), topLevel));
    }

    /** A private creator with a text, a binary and a sequence element whose item holds text. */
    private void privateBlock(EditableDataset ds, int group, String where) {
        int n = ++next;
        ds.put((group << 16) | 0x0010, Vr.LO, "ACME LEAK TEST " + n);
        plantString(ds, (group << 16) | 0x1001, Vr.LO, "MKV%05dQ".formatted(n), where + " private LO", false);
        byte[] b = "MKW%05dZ".formatted(n).getBytes(StandardCharsets.US_ASCII);
        ds.putBytes((group << 16) | 0x1002, Vr.OB, b);
        markers.add(new Marker(where + " private OB", (group << 16) | 0x1002, Vr.OB, b, false));
        EditableDataset item = ds.newSequence((group << 16) | 0x1003, 1).get(0);
        plantString(item, 0x00081030, Vr.LO, "MKX%05dQ".formatted(n), where + " private SQ > StudyDescription", false);
    }

    /** Overlay plane 6000 and curve 5000, with text and bitmap markers. */
    private void overlayAndCurve(EditableDataset root) {
        root.put(0x60000010, Vr.US, "64");
        root.put(0x60000011, Vr.US, "64");
        root.put(0x60000040, Vr.CS, "G");
        root.put(0x60000050, Vr.SS, List.of("1", "1"));
        root.put(0x60000100, Vr.US, "1");
        root.put(0x60000102, Vr.US, "0");
        byte[] bits = new byte[64 * 64 / 8];
        byte[] mark = "MKOV0001".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(mark, 0, bits, 0, mark.length);
        root.putBytes(0x60003000, Vr.OW, bits);
        markers.add(new Marker("overlay data", 0x60003000, Vr.OW, mark, true));
        plantString(root, 0x60004000, Vr.LT, "MKOC0001Q", "overlay comments", true);
        plantString(root, 0x60001500, Vr.LO, "MKOL0001Q", "overlay label", true);
        byte[] curve = "MKCV0001".getBytes(StandardCharsets.US_ASCII);
        root.putBytes(0x50003000, Vr.OB, curve);
        markers.add(new Marker("curve data", 0x50003000, Vr.OB, curve, true));
    }

    /** Every fixed tag of the table Veil ships, read independently of ActionTable. */
    static List<Integer> tableTags() throws IOException {
        List<Integer> tags = new ArrayList<>();
        try (InputStream in = LeakCorpus.class.getResourceAsStream("/deid/ps3.15-table-e.1-1.json")) {
            for (var row : new com.fasterxml.jackson.databind.ObjectMapper().readTree(in)) {
                String t = row.path("tag").asText();
                if (t.matches("\\([0-9A-F]{4},[0-9A-F]{4}\\)")) {
                    tags.add(Integer.parseUnsignedInt(t.substring(1, 5) + t.substring(6, 10), 16));
                }
            }
        }
        return tags;
    }
}
