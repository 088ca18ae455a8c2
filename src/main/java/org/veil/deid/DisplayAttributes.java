package org.veil.deid;

import java.util.List;
import java.util.Set;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Tag;

/**
 * What a viewer draws an image's pixels with besides their stored values: lookup tables,
 * palettes and window presets. A derivative keeps only what the text check looked through
 * (docs/deidentification.md, "Text in the pixels"), so that no table or preset of the file shows
 * text the check did not see.
 */
final class DisplayAttributes {
    /**
     * Modality LUT, VOI LUT, Softcopy VOI LUT and Presentation LUT Sequences (PS3.3 C.11.1,
     * C.11.2, C.11.8, C.11.4), at any depth: a table can map two stored values one apart to black
     * and white, and the text check looks at the stored values through the rescale and windows
     * only. Without them a viewer shows what the check saw. LUT Data (0028,3006) has its place
     * only in them, and is removed wherever else it is found: a table of words is any bytes.
     */
    private static final Set<Integer> DISPLAY_LUTS = Set.of(0x00283000, 0x00283010, 0x00283110, 0x20500010, 0x00283006);
    /**
     * Window values a viewer offers besides the first, and Frame VOI LUT and Pixel Value
     * Transformation items besides the first (PS3.3 C.11.2.1.2, C.7.6.16.2.10): the text check
     * looks through the first window only, so a second preset could show what it did not see.
     */
    private static final Set<Integer> FIRST_WINDOW_ONLY = Set.of(0x00281050, 0x00281051, 0x00281055);
    private static final Set<Integer> FIRST_ITEM_ONLY = Set.of(0x00289132, 0x00289145);
    /**
     * The palette attributes a viewer draws with (PS3.3 C.7.6.3, C.7.9): descriptors, tables,
     * segmented tables, alpha. (The palette's UID names it; the table decides what it does with UIDs.)
     */
    private static final Set<Integer> PALETTES = Set.of(0x00281101, 0x00281102, 0x00281103, 0x00281104,
            0x00281201, 0x00281202, 0x00281203, 0x00281204, 0x00281221, 0x00281222, 0x00281223, 0x00281224);
    /** The palette a PALETTE COLOR image keeps: descriptors and plain tables of red, green and blue. */
    private static final Set<Integer> PALETTE_SHOWN = Set.of(0x00281101, 0x00281102, 0x00281103, 0x00281201, 0x00281202, 0x00281203);

    private DisplayAttributes() {
    }

    /** Whether the attribute is a table or palette the check did not look through, removed at any depth. */
    static boolean removed(EditableDataset ds, int tag, int depth) {
        return DISPLAY_LUTS.contains(tag) || PALETTES.contains(tag) && (depth > 0 || !paletteShown(ds, tag));
    }

    /** A PALETTE COLOR image's kept tables written back as the check read them. */
    static void writeCheckedPalette(EditableDataset root) {
        if (PALETTE_SHOWN.stream().anyMatch(root::contains)) {
            root.writeCheckedPalette();
        }
    }

    /**
     * Whether a top-level palette attribute is the one the text check read: only a PALETTE COLOR
     * image's plain red, green and blue tables, which are written back as the check reads them
     * (EditableDataset.writeCheckedPalette). A palette on a grey image (a viewer may still draw the image through
     * it), segmented tables (which the check does not expand), alpha (which it does not weigh) and
     * palettes inside items (which nothing draws the checked image with) are not what it looked at.
     */
    private static boolean paletteShown(EditableDataset ds, int tag) {
        boolean paletteColour = ds.string(Tag.PhotometricInterpretation).map(String::trim).orElse("").equals("PALETTE COLOR");
        return paletteColour && PALETTE_SHOWN.contains(tag);
    }

    /** The first window and the first Frame VOI LUT and Pixel Value Transformation item: what the text check looked through. */
    static void firstWindowOnly(EditableDataset ds, int tag) {
        if (FIRST_WINDOW_ONLY.contains(tag) && ds.valueCount(tag) > 1) {
            ds.put(tag, ds.vr(tag), ds.strings(tag).get(0));
        } else if (FIRST_ITEM_ONLY.contains(tag)) {
            ds.keepFirstItem(tag);
        }
        if (tag == WINDOW_WIDTH && !checkedWidth(ds.string(tag).orElse(""))) {
            // A width of 1 is legal (PS3.3 C.11.2.1.2.1) and a viewer draws it as a threshold at
            // the centre: text one value above the background shows white on black. The check
            // reads a width that narrow as no window at all, so the preset does not stay.
            for (int t : List.of(WINDOW_CENTER, WINDOW_WIDTH, WINDOW_EXPLANATION)) {
                ds.remove(t);
            }
        }
    }

    private static final int WINDOW_CENTER = 0x00281050;
    private static final int WINDOW_WIDTH = 0x00281051;
    private static final int WINDOW_EXPLANATION = 0x00281055;

    /** Whether the text check looks through a window of this width (wider than 1: PixelFrames). */
    private static boolean checkedWidth(String width) {
        try {
            return Double.parseDouble(width.trim()) > 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
