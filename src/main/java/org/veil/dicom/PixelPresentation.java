package org.veil.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;

/**
 * How a viewer would show an image's stored values, as its header says: the rescale, the first
 * window and the palette (PS3.3 C.11.1, C.11.2, C.7.6.3.1.5), per frame for enhanced images
 * (C.7.6.16). Read for the text check, which must look at what a reader of the derivative would
 * see: the derivative keeps no padding value and no smallest or largest pixel value (which a
 * viewer may draw black, or take for a window), so neither is read here.
 */
public final class PixelPresentation {

    private final AttributeList list;
    private final String photometric;
    private final SampleFormat format;
    /** {@link #window()}, read once: a multi-frame palette image asks for it frame by frame. */
    private Window header;

    PixelPresentation(AttributeList list, String photometric, SampleFormat format) {
        this.list = list;
        this.photometric = photometric;
        this.format = format;
    }

    /** How a viewer would map stored values to grey: rescale, the first window, and the palette. */
    public record Window(double slope, double intercept, double centre, double width, int[][] palette) {
    }

    /**
     * Frame {@code frame}'s window (counted from 0): the header's, then the shared functional
     * groups', then the frame's own (PS3.3 C.7.6.16: Frame VOI LUT and Pixel Value Transformation),
     * each where given, as a viewer of an enhanced image applies them.
     */
    public Window window(int frame) {
        Window top = window();
        double slope = top.slope();
        double intercept = top.intercept();
        double centre = top.centre();
        double width = top.width();
        for (AttributeList group : new AttributeList[] {item(list, 0x5200, 0x9229, 0), item(list, 0x5200, 0x9230, frame)}) {
            if (group == null) {
                continue;
            }
            AttributeList voi = item(group, 0x0028, 0x9132, 0);
            if (voi != null) {
                centre = decimal(voi, 0x0028, 0x1050, centre);
                width = decimal(voi, 0x0028, 0x1051, width);
            }
            AttributeList transform = item(group, 0x0028, 0x9145, 0);
            if (transform != null) {
                slope = decimal(transform, 0x0028, 0x1053, slope);
                intercept = decimal(transform, 0x0028, 0x1052, intercept);
            }
        }
        return new Window(slope == 0 ? 1.0 : slope, intercept, centre, width, top.palette());
    }

    private static AttributeList item(AttributeList list, int group, int element, int index) {
        if (list.get(new AttributeTag(group, element)) instanceof com.pixelmed.dicom.SequenceAttribute sequence
                && index < sequence.getNumberOfItems()) {
            return sequence.getItem(index).getAttributeList();
        }
        return null;
    }

    /** The header's rescale, first window and palette. */
    public Window window() {
        if (header != null) {
            return header;
        }
        double slope = decimal(list, 0x0028, 0x1053, 1.0);
        double intercept = decimal(list, 0x0028, 0x1052, 0.0);
        double centre = decimal(list, 0x0028, 0x1050, 0.0);
        double width = decimal(list, 0x0028, 0x1051, 0.0);
        header = new Window(slope == 0 ? 1.0 : slope, intercept, centre, width, palette());
        return header;
    }

    /** Red, green and blue lookup tables of a palette colour image, each as {first mapped, entries...}; null when unusable. */
    private int[][] palette() {
        return photometric.equals("PALETTE COLOR") ? palette(list) : null;
    }

    /**
     * The red, green and blue tables of the list's palette as the text check reads them, each
     * {first mapped, entries...} with eight-bit entries; null when they cannot be read.
     */
    static int[][] palette(AttributeList list) {
        int[][] lut = new int[3][];
        int[] descriptors = {0x1101, 0x1102, 0x1103};
        int[] data = {0x1201, 0x1202, 0x1203};
        for (int c = 0; c < 3; c++) {
            try {
                Attribute d = list.get(new AttributeTag(0x0028, descriptors[c]));
                Attribute v = list.get(new AttributeTag(0x0028, data[c]));
                if (d == null || v == null) {
                    return null;
                }
                int[] desc = d.getIntegerValues();
                int entries = desc[0] == 0 ? 65536 : desc[0] & 0xFFFF;
                int bits = desc.length > 2 ? desc[2] : 16;
                byte[] bytes = v.getByteValues(false);
                int[] table = new int[entries + 1];
                table[0] = desc[1];
                if (bits == 8 && bytes.length < 2 * entries) {
                    // Eight-bit entries packed two to a word, as pydicom and others read a table
                    // too short for one entry per word: entry k is byte k.
                    for (int i = 0; i < entries && i < bytes.length; i++) {
                        table[i + 1] = bytes[i] & 0xFF;
                    }
                } else {
                    short[] words = Samples.toShorts(bytes);
                    for (int i = 0; i < entries && i < words.length; i++) {
                        int e = words[i] & 0xFFFF;
                        table[i + 1] = bits == 8 ? e & 0xFF : e >>> 8;
                    }
                }
                lut[c] = table;
            } catch (DicomException | RuntimeException e) {
                return null;
            }
        }
        return lut;
    }

    /**
     * A palette colour image's tables written back as the text check reads them (PS3.3
     * C.7.6.3.1.5, C.7.6.3.1.6): the descriptor's entries only, sixteen bits each, every entry its
     * checked eight-bit level in both bytes. Viewers differ in which byte of an entry they take,
     * and may read words past the count the descriptor gives; a table that carried other bytes there
     * (a name in the low bytes, text in entries no pixel uses) would show or hold what no check saw.
     * False when the tables cannot be read, and then nothing is changed.
     */
    static boolean writeCheckedPalette(AttributeList list) {
        int[][] lut = palette(list);
        if (lut == null) {
            return false;
        }
        try {
            for (int c = 0; c < 3; c++) {
                Attribute descriptor = list.get(new AttributeTag(0x0028, 0x1101 + c));
                int[] d = descriptor.getIntegerValues();
                descriptor.removeValues();
                descriptor.addValue(d[0]);
                descriptor.addValue(d[1]);
                descriptor.addValue(16);
                short[] entries = new short[lut[c].length - 1];
                for (int i = 0; i < entries.length; i++) {
                    entries[i] = (short) (lut[c][i + 1] * 0x101);
                }
                com.pixelmed.dicom.OtherWordAttribute table = new com.pixelmed.dicom.OtherWordAttribute(new AttributeTag(0x0028, 0x1201 + c));
                table.setValues(entries);
                list.put(table);
            }
            return true;
        } catch (DicomException e) {
            return false;
        }
    }

    static int luma(int[][] lut, int index) {
        int[] rgb = new int[3];
        for (int c = 0; c < 3; c++) {
            int i = index - lut[c][0];
            int n = lut[c].length - 1;
            rgb[c] = lut[c][1 + Math.max(0, Math.min(n - 1, i))];
        }
        return (299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2]) / 1000;
    }

    /**
     * A DS value as a viewer of the derivative reads it: de-identification empties a value that is
     * no decimal string (PS3.5 6.2: "NaN", "Infinity", "0x1p3" and "1.0d" are not), one shaped like
     * a date, and a rescale of more values than its one, and a viewer then takes the default; so
     * does this, or such a value would blind the check to text the derivative shows.
     */
    static double decimal(AttributeList list, int group, int element, double absent) {
        Attribute a = list.get(new AttributeTag(group, element));
        if (a == null || (element == 0x1052 || element == 0x1053) && a.getVM() > 1) {
            return absent;
        }
        String s = Attribute.getSingleStringValueOrEmptyString(list, new AttributeTag(group, element)).trim();
        if (s.isEmpty() || !Vr.DECIMAL_STRING.matcher(s).matches() || Vr.dateShapedDecimal(s)) {
            return absent;
        }
        double d = Double.parseDouble(s);
        return Double.isFinite(d) ? d : absent;
    }
}
