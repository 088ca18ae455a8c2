package org.veil.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import java.awt.Rectangle;
import org.veil.dicom.PixelPresentation.Window;
import java.util.List;
import java.util.Locale;

/**
 * The decoded samples of an instance's Pixel Data (PS3.3 C.7.6.3), held as one int per sample,
 * frame after frame, colour by pixel: for cleaning them in place and looking at them. Built from
 * an instance read with {@link Part10Editor#readDecoded}; {@link #store()} writes the samples back
 * as native Pixel Data, so that the derivative carries exactly these samples and nothing else:
 * no codec segments, no bytes after the last frame, no bits above Bits Stored.
 */
public final class PixelFrames {

    private final AttributeList list;
    private final int rows;
    private final int columns;
    private final int frames;
    private final int samplesPerPixel;
    private final boolean planar;
    private final int bitsAllocated;
    private final int bitsStored;
    private final SampleFormat format;
    private final String photometric;
    private final Samples samples;
    private final PixelPresentation presentation;

    private PixelFrames(AttributeList list, int rows, int columns, int frames, int samplesPerPixel, boolean planar,
                        int bitsAllocated, int bitsStored, boolean signed, String photometric, Samples samples) {
        this.list = list;
        this.rows = rows;
        this.columns = columns;
        this.frames = frames;
        this.samplesPerPixel = samplesPerPixel;
        this.planar = planar;
        this.bitsAllocated = bitsAllocated;
        this.bitsStored = bitsStored;
        this.format = new SampleFormat(bitsAllocated, bitsStored, signed);
        this.photometric = photometric;
        this.samples = samples;
        this.presentation = new PixelPresentation(list, photometric, format);
    }

    /**
     * The samples of a decoded list; refuses what it cannot lay out as described: a length that
     * does not match Rows, Columns, Samples per Pixel and Number of Frames, or an encoding it
     * does not know.
     */
    /** The photometric interpretations of one sample per pixel the check knows how a viewer draws (PS3.3 C.7.6.3.1.2). */
    private static final java.util.Set<String> GREY_OR_PALETTE = java.util.Set.of("MONOCHROME1", "MONOCHROME2", "PALETTE COLOR");

    static PixelFrames of(AttributeList list, long maxBytes) throws UndecodablePixelDataException {
        int rows = integer(list, 0x0028, 0x0010);
        int columns = integer(list, 0x0028, 0x0011);
        int sppGiven = integer(list, 0x0028, 0x0002);
        int spp = Math.max(1, sppGiven);
        int allocated = integer(list, 0x0028, 0x0100);
        int stored = integer(list, 0x0028, 0x0101);
        // Pixel Representation exactly one value, 0 or 1: a viewer reads any other value, an empty
        // one or none its own way (cornerstone takes all but 0 as signed), and the derivative keeps
        // what is here. Colour ignores it (eight bits a sample): there an absent one is 0.
        Attribute pr = list.get(new AttributeTag(0x0028, 0x0103));
        int representation = pr == null ? (spp == 3 ? 0 : -1) : pr.getVM() != 1 ? -1 : integer(list, 0x0028, 0x0103);
        if (representation != 0 && representation != 1) {
            throw new UndecodablePixelDataException("the image's Pixel Representation is not one value, 0 or 1");
        }
        boolean signed = representation == 1;
        int frames = integer(list, 0x0028, 0x0008);
        if (frames < 0) {
            throw new UndecodablePixelDataException("the image pixel description cannot be read");
        }
        frames = Math.max(1, frames);
        Attribute interpretation = list.get(new AttributeTag(0x0028, 0x0004));
        String photometric = interpretation == null || interpretation.getVM() != 1 ? ""
                : Attribute.getSingleStringValueOrEmptyString(list, new AttributeTag(0x0028, 0x0004)).trim().toUpperCase(Locale.ROOT);
        int planarGiven = spp == 3 ? integer(list, 0x0028, 0x0006) : 0;
        boolean planar = planarGiven == 1;
        if (rows <= 0 || columns <= 0 || sppGiven < 0 || planarGiven < 0 || (spp != 1 && spp != 3) || stored <= 0 || stored > allocated
                || (allocated != 1 && allocated != 8 && allocated != 16 && allocated != 32)
                || photometric.isEmpty() || (spp == 1 && !GREY_OR_PALETTE.contains(photometric))) {
            throw new UndecodablePixelDataException("the image pixel description is not one Veil can clean");
        }
        // PS3.5 8.1.1 lets the stored bits sit anywhere in the allocated ones (High Bit above
        // Bits Stored - 1, in old archives): cleaning and the text check read the low Bits Stored
        // bits, so with any other High Bit they would clear the image and keep the spare bits,
        // where an overlay (a name) may be drawn. Such an image is not cleaned; nor one without it.
        if (integer(list, 0x0028, 0x0102) != stored - 1) {
            throw new UndecodablePixelDataException("the image's High Bit is not one less than its Bits Stored");
        }
        long total = (long) rows * columns * spp * frames;
        if (total * Math.max(1, allocated / 8) > maxBytes || total > Integer.MAX_VALUE - 8) {
            throw new UndecodablePixelDataException("the decoded pixel data is larger than the cleaning limit");
        }
        Attribute pixels = list.get(TagFromName.PixelData);
        if (pixels == null) {
            throw new UndecodablePixelDataException("the instance has no pixel data to clean");
        }
        Samples samples;
        try {
            if (allocated == 1) {
                byte[] packed = pixels.getByteValues(false);
                require(packed.length * 8L >= total);
                samples = Samples.ofBits(packed, (int) total);
            } else if (allocated == 8) {
                byte[] b = pixels.getByteValues(false);
                if (photometric.equals("YBR_FULL_422") && spp == 3) {
                    b = Samples.expand422(b, rows, columns, frames);
                    photometric = "YBR_FULL";
                    planar = false;
                }
                require(b.length >= total);
                samples = Samples.ofBytes(b, (int) total);
            } else {
                short[] w = pixels instanceof OtherWordAttribute ? pixels.getShortValues() : Samples.toShorts(pixels.getByteValues(false));
                require(w.length >= total * (allocated / 16));
                samples = allocated == 16 ? Samples.ofWords(w, (int) total) : Samples.ofPairs(w, (int) total);
            }
        } catch (DicomException | IllegalStateException e) {
            throw new UndecodablePixelDataException("the pixel data does not match its description");
        }
        return new PixelFrames(list, rows, columns, frames, spp, planar, allocated, stored, signed, photometric, samples);
    }

    /** Where sample s of pixel p of frame f lies, for either planar configuration (PS3.3 C.7.6.3.1.3). */
    private int index(int f, int p, int s) {
        int pixels = rows * columns;
        return f * pixels * samplesPerPixel + (planar ? s * pixels + p : p * samplesPerPixel + s);
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    public int frames() {
        return frames;
    }

    /**
     * Clears the bits above Bits Stored (PS3.5 8.1.1): overlays were once kept there, and any
     * bit outside the stored value is a place to hide something. Signed values keep their sign:
     * the bits above the high bit become copies of it, so a reader that ignores Bits Stored
     * still reads the same number. Returns how many samples changed.
     */
    public int clearUnusedBits() {
        if (bitsStored >= bitsAllocated || bitsAllocated == 1) {
            return 0;
        }
        int changed = 0;
        int mask = bitsStored == 32 ? -1 : (1 << bitsStored) - 1;
        int signBit = 1 << (bitsStored - 1);
        int allocatedMask = bitsAllocated == 32 ? -1 : (1 << bitsAllocated) - 1;
        for (int i = 0, n = samples.size(); i < n; i++) {
            int v = samples.get(i);
            int value = v & mask;
            if (format.signed() && (value & signBit) != 0) {
                value |= ~mask & allocatedMask;
            }
            if (value != v) {
                samples.set(i, value);
                changed++;
            }
        }
        return changed;
    }

    /**
     * Paints each rectangle in every frame with the darkest value of the image: the lowest
     * sample of all frames (the highest for MONOCHROME1, where high is dark), black for colour.
     * Not the Pixel Padding Value: the derivative does not keep it (a viewer draws it as any
     * other value), and it need not be dark.
     */
    public void paint(List<Rectangle> regions) {
        Rectangle image = new Rectangle(0, 0, columns, rows);
        int[] dark = darkest();
        for (int f = 0; f < frames; f++) {
            for (Rectangle region : regions) {
                Rectangle r = region.intersection(image);
                for (int y = r.y; y < r.y + r.height; y++) {
                    for (int x = r.x; x < r.x + r.width; x++) {
                        for (int s = 0; s < samplesPerPixel; s++) {
                            samples.set(index(f, y * columns + x, s), dark[s]);
                        }
                    }
                }
            }
        }
    }

    /** One value for every frame, so that a painted region looks the same throughout a multi-frame image. */
    private int[] darkest() {
        if (samplesPerPixel == 3) {
            return photometric.startsWith("YBR") ? new int[] {0, 128, 128} : new int[] {0, 0, 0};
        }
        int[][] lut = window().palette();
        if (lut != null) {
            // Palette colour: the index whose colour is darkest, not the lowest index.
            int bestIndex = lut[0][0];
            int bestLuma = Integer.MAX_VALUE;
            for (int i = 0; i < lut[0].length - 1; i++) {
                int luma = PixelPresentation.luma(lut, lut[0][0] + i);
                if (luma < bestLuma) {
                    bestLuma = luma;
                    bestIndex = lut[0][0] + i;
                }
            }
            return new int[] {format.raw(bestIndex)};
        }
        boolean inverted = photometric.equals("MONOCHROME1");
        int best = format.value(samples.get(0));
        for (int i = 0, n = samples.size(); i < n; i++) {
            int v = format.value(samples.get(i));
            best = inverted ? Math.max(best, v) : Math.min(best, v);
        }
        return new int[] {format.raw(best)};
    }

    /**
     * A frame as 8-bit grey, as a viewer would first show it: rescaled, then through the first
     * window of the header (or the frame's own range without one), MONOCHROME1 inverted; palette
     * and colour images by their luminance. For looking for text, not for display.
     */
    public byte[] luminance(int frame, Window window) {
        return luminance(frame, window, null, null);
    }

    /**
     * As {@link #luminance(int, Window)}, with the values that map to black and white and the
     * frame's {@link Extent} when the caller has them already.
     */
    private byte[] luminance(int frame, Window window, double[] knownRange, Extent knownExtent) {
        int pixels = rows * columns;
        byte[] out = new byte[pixels];
        if (samplesPerPixel == 3) {
            boolean ybr = photometric.startsWith("YBR");
            for (int i = 0; i < pixels; i++) {
                int a = format.scale8(samples.get(index(frame, i, 0)));
                int b = format.scale8(samples.get(index(frame, i, 1)));
                int c = format.scale8(samples.get(index(frame, i, 2)));
                out[i] = (byte) (ybr ? a : (299 * a + 587 * b + 114 * c) / 1000);
            }
            return out;
        }
        int base = frame * pixels;
        if (photometric.equals("PALETTE COLOR")) {
            int[][] lut = window.palette();
            if (lut != null) {
                for (int i = 0; i < pixels; i++) {
                    out[i] = (byte) PixelPresentation.luma(lut, samples.get(base + i));
                }
                return out;
            }
        }
        boolean inverted = photometric.equals("MONOCHROME1");
        if (bitsAllocated != 1 && bitsStored <= 16) {
            // One grey level per value between the frame's smallest and largest (a CT's 4,000 of
            // 65,536), then one table look-up per pixel.
            Extent extent = knownExtent != null ? knownExtent : extent(base, pixels);
            double[] range = knownRange != null ? knownRange : range(window, extent);
            int low = extent.low();
            byte[] lut = new byte[extent.high() - low + 1];
            for (int v = low; v <= extent.high(); v++) {
                lut[v - low] = grey(v * window.slope() + window.intercept(), range[0], range[1], inverted);
            }
            // Padding is drawn as any other value: the derivative keeps no Pixel Padding Value
            // (a viewer honouring one draws it black, PS3.3 C.7.5.1.1.2, and OHIF does not), so
            // every reader of it draws the samples as this does.
            // The value as SampleFormat#value gives it: the stored bits, sign-extended when signed.
            int shift = 32 - bitsStored;
            short[] words = samples.wordArray();
            if (words != null && bitsStored == 16) {
                // 16 stored bits of 16: the word is the value (signed) or its low 16 bits (unsigned).
                if (format.signed()) {
                    for (int i = 0; i < pixels; i++) {
                        out[i] = lut[words[base + i] - low];
                    }
                } else {
                    for (int i = 0; i < pixels; i++) {
                        out[i] = lut[(words[base + i] & 0xFFFF) - low];
                    }
                }
            } else if (format.signed()) {
                for (int i = 0; i < pixels; i++) {
                    out[i] = lut[((samples.get(base + i) << shift) >> shift) - low];
                }
            } else {
                for (int i = 0; i < pixels; i++) {
                    out[i] = lut[((samples.get(base + i) << shift) >>> shift) - low];
                }
            }
            return out;
        }
        double[] range = knownRange != null ? knownRange : range(window, base, pixels);
        for (int i = 0; i < pixels; i++) {
            out[i] = grey(format.value(samples.get(base + i)) * window.slope() + window.intercept(), range[0], range[1], inverted);
        }
        return out;
    }

    /**
     * A frame as every 8-bit grey image the text check looks at, so that text one rendering hides
     * is seen in another (docs/deidentification.md, "Text in the pixels"):
     * <ul>
     *   <li>colour and palette colour, each channel alone: text that differs from its background by
     *       40 levels in any channel differs so in that channel's image, where in luminance red on
     *       a grey of the same luminance does not differ at all;</li>
     *   <li>grey, {@link #luminance} through the header's window, and, when the window clips any
     *       value of the frame, the frame's whole range as well: white text on bone is white on
     *       white in a soft-tissue window, and a reader may widen the window.</li>
     * </ul>
     */
    public java.util.List<byte[]> renderings(int frame, Window window) {
        int pixels = rows * columns;
        int[][] lut = photometric.equals("PALETTE COLOR") && samplesPerPixel == 1 ? window.palette() : null;
        if (samplesPerPixel == 3 || lut != null) {
            java.util.List<byte[]> out = new java.util.ArrayList<>(3);
            int base = frame * pixels;
            for (int c = 0; c < 3; c++) {
                byte[] channel = new byte[pixels];
                if (lut != null) {
                    int[] entries = lut[c];
                    int n = entries.length - 1;
                    for (int i = 0; i < pixels; i++) {
                        channel[i] = (byte) entries[1 + Math.max(0, Math.min(n - 1, samples.get(base + i) - entries[0]))];
                    }
                } else if (photometric.startsWith("YBR")) {
                    // The red, green and blue a viewer shows (PS3.3 C.7.6.3.1.2, YBR_FULL): a name
                    // drawn in chroma alone, 35 levels of Cb and Cr on a flat Y, is under the edge
                    // in each of Y, Cb and Cr, and 49 levels of red and 62 of blue on screen.
                    for (int i = 0; i < pixels; i++) {
                        int y = format.scale8(samples.get(index(frame, i, 0)));
                        int cb = format.scale8(samples.get(index(frame, i, 1))) - 128;
                        int cr = format.scale8(samples.get(index(frame, i, 2))) - 128;
                        double v = c == 0 ? y + 1.402 * cr : c == 1 ? y - 0.344136 * cb - 0.714136 * cr : y + 1.772 * cb;
                        channel[i] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
                    }
                } else {
                    for (int i = 0; i < pixels; i++) {
                        channel[i] = (byte) format.scale8(samples.get(index(frame, i, c)));
                    }
                }
                out.add(channel);
            }
            return out;
        }
        java.util.List<byte[]> out = new java.util.ArrayList<>(3);
        Window whole = new Window(window.slope(), window.intercept(), 0, 0, window.palette());
        int mask = bitsAllocated != 1 && bitsStored <= 16 ? (1 << bitsStored) - 1 : -1;
        // The frame is read once for its extent, which every rendering's table and range take.
        Extent extent = mask == -1 ? null : extent(frame * pixels, pixels);
        double[] values = extent == null ? range(whole, frame * pixels, pixels) : range(whole, extent);
        // Without a window the header's rendering is the whole range's: its range is not read twice.
        out.add(luminance(frame, window, window.width() <= 1 ? values : null, extent));
        if (window.width() > 1) {
            double[] shown = range(window, frame * pixels, pixels);
            // The whole range too when the window clips a value, or when it is more than twice as
            // wide as the values (a window of 100,000,000 makes 0 and 4095 the same grey).
            if (!(values[0] >= shown[0] && values[1] <= shown[1] && (values[1] - values[0]) * 2 >= shown[1] - shown[0])) {
                out.add(luminance(frame, whole, values, extent));
            }
        }
        double[] central = centralRange(whole, frame * pixels, pixels, mask);
        if ((central[1] - central[0]) * 4 < values[1] - values[0]) {
            // Most of the frame within a quarter of its range: a few outlying pixels (one at 0,
            // one at 4095) would make text a stored value or two off its background invisible in
            // the whole range, and in a window that clips it; a reader who narrows the window
            // sees it. The central values are looked at too, stretched black to white.
            out.add(luminance(frame, whole, central, extent));
        }
        if (bitsAllocated == 32) {
            // cornerstone reads every 32-bit frame as IEEE floats, whatever Pixel Representation
            // says (a name at the float 4.0 on 2.0 is two integers a billion apart beside values
            // from 0 to 2^31, one grey level here); and 32 unsigned stored bits reach past an int.
            out.addAll(readAs(frame, window, raw -> Float.intBitsToFloat(raw)));
            if (!format.signed() && bitsStored == 32) {
                out.addAll(readAs(frame, window, raw -> raw & 0xFFFFFFFFL));
            }
        }
        return out;
    }

    /** How a reader takes a 32-bit word as a number (a primitive function: no boxing per pixel). */
    @FunctionalInterface
    private interface WordReading {
        double value(int word);
    }

    /**
     * The frame's 32-bit words read as another reader reads them, rescaled: through the window,
     * and across their whole finite range; a value that is no finite number is drawn black.
     */
    private java.util.List<byte[]> readAs(int frame, Window window, WordReading read) {
        int pixels = rows * columns;
        int base = frame * pixels;
        double[] v = new double[pixels];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < pixels; i++) {
            double d = read.value(samples.get(base + i)) * window.slope() + window.intercept();
            v[i] = d;
            if (Double.isFinite(d)) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        java.util.List<byte[]> out = new java.util.ArrayList<>(2);
        if (min > max) {
            return out;
        }
        boolean inverted = photometric.equals("MONOCHROME1");
        java.util.List<double[]> ranges = new java.util.ArrayList<>(2);
        ranges.add(new double[] {min, max});
        if (window.width() > 1) {
            ranges.add(windowRange(window));
        }
        for (double[] range : ranges) {
            byte[] grey = new byte[pixels];
            for (int i = 0; i < pixels; i++) {
                grey[i] = Double.isFinite(v[i]) ? grey(v[i], range[0], range[1], inverted) : 0;
            }
            out.add(grey);
        }
        return out;
    }

    /** Samples read for {@link #centralRange}: enough for its percentiles, few enough to sort for every frame. */
    private static final int CENTRAL_SAMPLES = 1024;

    /**
     * The values between the 0.5th and 99.5th percentiles of the frame's, estimated from up to
     * {@link #CENTRAL_SAMPLES} pixels taken evenly, rescaled as {@link #range} gives them.
     */
    private double[] centralRange(Window whole, int base, int pixels, int mask) {
        int step = Math.max(1, pixels / CENTRAL_SAMPLES);
        int[] sampled = new int[(pixels + step - 1) / step];
        int n = 0;
        for (int i = 0; i < pixels; i += step) {
            int raw = samples.get(base + i);
            sampled[n++] = format.value(mask == -1 ? raw : raw & mask);
        }
        java.util.Arrays.sort(sampled, 0, n);
        return rescaled(whole, sampled[(int) ((n - 1) * 0.005)], sampled[(int) Math.ceil((n - 1) * 0.995)]);
    }

    /** Two stored values rescaled, the lower first (a negative slope swaps them). */
    private static double[] rescaled(Window window, int low, int high) {
        double a = low * window.slope() + window.intercept();
        double b = high * window.slope() + window.intercept();
        return new double[] {Math.min(a, b), Math.max(a, b)};
    }

    /**
     * The values that map to black and to white: the window's, or without one the frame's
     * smallest and largest.
     */
    private double[] range(Window window, int base, int pixels) {
        if (window.width() > 1) {
            return windowRange(window);
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < pixels; i++) {
            int v = format.value(samples.get(base + i));
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return rescaled(window, min, max);
    }

    /** As {@link #range(Window, int, int)}, from the frame's extent read already. */
    private static double[] range(Window window, Extent extent) {
        return window.width() > 1 ? windowRange(window) : rescaled(window, extent.low(), extent.high());
    }

    /** The window's black and white values (PS3.3 C.11.2.1.2.1, linear). */
    private static double[] windowRange(Window window) {
        return new double[] {window.centre() - 0.5 - (window.width() - 1) / 2, window.centre() - 0.5 + (window.width() - 1) / 2};
    }

    /**
     * The smallest and largest value of a frame of at most 16 stored bits, read in one pass (as
     * {@link SampleFormat#value}: the stored bits, sign-extended when signed): the bounds of its
     * rendering tables, whose size is {@code high - low + 1} and at most 65,536.
     */
    private record Extent(int low, int high) {
    }

    private Extent extent(int base, int pixels) {
        if (pixels == 0) {
            return new Extent(0, 0);
        }
        int shift = 32 - bitsStored;
        int low = Integer.MAX_VALUE;
        int high = Integer.MIN_VALUE;
        short[] words = samples.wordArray();
        if (words != null && bitsStored == 16) {
            // As in luminance: the word is the value, or its low 16 bits.
            int mask = format.signed() ? -1 : 0xFFFF;
            for (int i = 0; i < pixels; i++) {
                int v = words[base + i] & mask;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        } else if (format.signed()) {
            for (int i = 0; i < pixels; i++) {
                int v = (samples.get(base + i) << shift) >> shift;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        } else {
            for (int i = 0; i < pixels; i++) {
                int v = (samples.get(base + i) << shift) >>> shift;
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
        }
        return new Extent(low, high);
    }

    private static byte grey(double v, double low, double high, boolean inverted) {
        double span = Math.max(high - low, 1e-9);
        int g = v <= low ? 0 : v >= high ? 255 : (int) ((v - low) / span * 255.0 + 0.5);
        return (byte) (inverted ? 255 - g : g);
    }

    /** The header's rescale, first window and palette, for {@link #luminance}. */
    public Window window() {
        return presentation.window();
    }

    /** Frame {@code frame}'s window (counted from 0), as {@link PixelPresentation#window(int)}. */
    public Window window(int frame) {
        return presentation.window(frame);
    }

    /** Whether a palette colour image's palette cannot be read (segmented, or missing): its text cannot be judged. */
    public boolean paletteUnreadable() {
        return samplesPerPixel == 1 && photometric.equals("PALETTE COLOR") && window().palette() == null;
    }

    /**
     * Writes the samples back as native Pixel Data of exactly Rows x Columns x Samples per Pixel
     * x Number of Frames values, whatever the source held beyond them.
     */
    public void store() throws UndecodablePixelDataException {
        int n = samples.size();
        try {
            if (bitsAllocated == 8 || bitsAllocated == 1) {
                byte[] b = new byte[bitsAllocated == 8 ? n : (n + 7) / 8];
                for (int i = 0; i < n; i++) {
                    if (bitsAllocated == 8) {
                        b[i] = (byte) samples.get(i);
                    } else if (samples.get(i) != 0) {
                        b[i >>> 3] |= (byte) (1 << (i & 7));
                    }
                }
                OtherByteAttribute a = new OtherByteAttribute(TagFromName.PixelData);
                a.setValues(b);
                list.put(a);
            } else {
                short[] w;
                if (bitsAllocated == 16) {
                    w = samples.words(n);
                } else {
                    w = new short[2 * n];
                    for (int i = 0; i < n; i++) {
                        int v = samples.get(i);
                        w[2 * i] = (short) v;
                        w[2 * i + 1] = (short) (v >>> 16);
                    }
                }
                OtherWordAttribute a = new OtherWordAttribute(TagFromName.PixelData);
                a.setValues(w);
                list.put(a);
            }
            if (samplesPerPixel == 3) {
                Part10Editor.putString(list, 0x0028, 0x0006, "US", planar ? "1" : "0");
                Part10Editor.putString(list, 0x0028, 0x0004, "CS", photometric);
            }
        } catch (DicomException e) {
            throw new UndecodablePixelDataException("the cleaned pixel data cannot be written");
        }
    }

    static void require(boolean condition) {
        if (!condition) {
            throw new IllegalStateException("the pixel data is shorter than its description");
        }
    }

    /**
     * One value of the pixel description; -1 when it is no number or more than one value (the
     * check would read the first and a viewer perhaps another, and what the check did not read
     * leaves with the derivative), 0 when absent.
     */
    private static int integer(AttributeList list, int group, int element) {
        Attribute a = list.get(new AttributeTag(group, element));
        if (a != null && a.getVM() > 1) {
            return -1;
        }
        String s = Attribute.getSingleStringValueOrEmptyString(list, new AttributeTag(group, element)).trim();
        try {
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
