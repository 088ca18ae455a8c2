package org.veil.deid;

import java.awt.Rectangle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.veil.dicom.PixelFrames;

/**
 * The independent check on the pixels of every derivative: every frame, after the rules have
 * painted what they locate, is searched for lines of text ({@link TextLineFinder}); each line is
 * read ({@link TextReader}, Tesseract) and judged ({@link TextJudge}). A frame with a line that
 * could identify someone withholds the instance, whatever the header says and whichever rule
 * matched. A frame with no line costs one pass over its pixels.
 *
 * <p>Without a reader (libtesseract missing), a frame with a line of text withholds the instance:
 * what cannot be read cannot be known to be safe.
 */
public final class BurnedInTextCheck {
    /** Text is read at about this glyph height, where Tesseract reads best. */
    private static final int READ_HEIGHT = 30;
    /** Lines read per instance and rendering before the check gives up and withholds: the cost of one request is bounded. */
    static final int MAX_LINES_READ = 400;

    /** Verdicts on strips already read, across instances: a series' slices carry the same overlay. Bounded in bytes. */
    private static final long CACHE_BYTES = 32L << 20;

    private final Optional<TextReader> reader;
    private final TextJudge judge;
    private final boolean enabled;
    private final com.github.benmanes.caffeine.cache.Cache<java.nio.ByteBuffer, Optional<String>> verdicts =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumWeight(CACHE_BYTES)
                    .weigher((java.nio.ByteBuffer k, Optional<String> v) -> k.capacity() + 64).build();

    public BurnedInTextCheck(Optional<TextReader> reader, java.util.Set<String> vocabulary) {
        this(reader, vocabulary, true);
    }

    private BurnedInTextCheck(Optional<TextReader> reader, java.util.Set<String> vocabulary, boolean enabled) {
        this.reader = reader;
        this.judge = new TextJudge(vocabulary);
        this.enabled = enabled;
    }

    /**
     * No text check: only for tests that look at another step of cleaning in isolation (the
     * painting of regions), never for a server or an export.
     */
    static BurnedInTextCheck off() {
        return new BurnedInTextCheck(Optional.empty(), java.util.Set.of(), false);
    }

    /** The check with Tesseract (when installed) and Veil's vocabulary: the descriptor words and the annotation words. */
    public static BurnedInTextCheck standard() {
        return new BurnedInTextCheck(Tesseract.available(), standardVocabulary());
    }

    /**
     * {@code deid/burned-in-words.txt} and {@link DescriptorCleaner#standardWords()}: read once and
     * shared, unmodifiable, in the native image's build (as {@link ActionTable#standard()}).
     */
    public static java.util.Set<String> standardVocabulary() {
        return Shipped.VOCABULARY;
    }

    private static final class Shipped {
        static final java.util.Set<String> VOCABULARY = vocabulary();

        private static java.util.Set<String> vocabulary() {
            java.util.Set<String> words = new java.util.HashSet<>(DescriptorCleaner.standardWords());
            words.addAll(ShippedData.read("burned-in-words.txt", DescriptorCleaner::read));
            return java.util.Set.copyOf(words);
        }
    }

    /** Why the frames must not be served; empty when no frame shows text that could identify. */
    public Optional<String> check(PixelFrames pixels) {
        if (!enabled) {
            return Optional.empty();
        }
        Map<java.nio.ByteBuffer, Optional<String>> seen = new HashMap<>();
        // Lines read, per rendering: the window's and the whole range's strips of one line differ in their pixels.
        int[][] read = new int[3][1];
        for (int f = 0; f < pixels.frames(); f++) {
            // Each frame through its own window: an enhanced image's functional groups may give one per frame.
            List<byte[]> renderings = pixels.renderings(f, pixels.window(f));
            for (int r = 0; r < renderings.size(); r++) {
                Optional<String> why = check(renderings.get(r), pixels.columns(), pixels.rows(), f, seen, read[Math.min(r, 2)]);
                if (why.isPresent()) {
                    return why;
                }
            }
        }
        return Optional.empty();
    }

    /** One rendering of frame {@code f}: its lines found, read and judged; {@code read} counts the lines read for the instance. */
    Optional<String> check(byte[] grey, int columns, int rows, int f, Map<java.nio.ByteBuffer, Optional<String>> seen, int[] read) {
        List<TextLineFinder.Line> lines = TextLineFinder.find(grey, columns, rows);
        if (TextLineFinder.overflows(lines)) {
            return Optional.of("frame " + (f + 1) + " shows more than " + TextLineFinder.MAX_LINES + " lines of text-like marks");
        }
        for (TextLineFinder.Line line : lines) {
            if (reader.isEmpty()) {
                return Optional.of("frame " + (f + 1) + " shows text and no text reader is installed to check it");
            }
            // Overlays drawn by the device repeat from frame to frame and from slice to slice:
            // each distinct strip (the same pixels, so the same reading) is read once, and
            // only then scaled for the reader.
            Rectangle area = area(columns, rows, line);
            java.nio.ByteBuffer key = key(grey, columns, area, line);
            Optional<String> verdict = seen.get(key);
            if (verdict == null) {
                verdict = verdicts.getIfPresent(key);
            }
            if (verdict == null) {
                if (++read[0] > MAX_LINES_READ) {
                    return Optional.of("more text than the check reads in one instance");
                }
                Strip strip = strip(grey, columns, area, line);
                List<TextReader.Word> words;
                try {
                    words = reader.get().read(strip.grey(), strip.width(), strip.height());
                } catch (TextReader.Unavailable e) {
                    // As without a reader: what cannot be read cannot be known to be safe. Not a
                    // verdict on the strip, so nothing is remembered.
                    return Optional.of("frame " + (f + 1) + " shows text and the text reader cannot work here");
                }
                verdict = judge.identifying(words, line.glyphs());
                verdicts.put(key, verdict);
            }
            seen.put(key, verdict);
            if (verdict.isPresent()) {
                return Optional.of("frame " + (f + 1) + " shows burned-in text with " + verdict.get());
            }
        }
        return Optional.empty();
    }

    /** A line cut out with a margin, scaled to a readable height, dark text on white. */
    record Strip(byte[] grey, int width, int height) {
    }

    /** The line with a margin of half a glyph, within the frame. */
    static Rectangle area(int width, int height, TextLineFinder.Line line) {
        Rectangle b = line.bounds();
        int margin = Math.max(3, line.glyphHeight() / 2);
        return new Rectangle(b.x - margin, b.y - margin, b.width + 2 * margin, b.height + 2 * margin)
                .intersection(new Rectangle(0, 0, width, height));
    }

    /**
     * The key of a strip is everything its verdict depends on: its source pixels and size, and the
     * line's glyph count (the judge weighs unreadable glyphs by it), glyph height (the scale it is
     * read at) and polarity (which way it is inverted). Equal keys are equal readings, never a
     * hash collision: keyed by pixels alone, a strip judged once as a few unreadable glyphs was
     * taken as safe when the same pixels later made a longer line.
     */
    static java.nio.ByteBuffer key(byte[] grey, int width, Rectangle r, TextLineFinder.Line line) {
        java.nio.ByteBuffer key = java.nio.ByteBuffer.allocate(21 + r.width * r.height);
        key.putInt(r.width).putInt(r.height).putInt(line.glyphs()).putInt(line.glyphHeight()).put((byte) (line.lightOnDark() ? 1 : 0));
        for (int y = 0; y < r.height; y++) {
            key.put(grey, (r.y + y) * width + r.x, r.width);
        }
        return key.flip();
    }

    static Strip strip(byte[] grey, int width, Rectangle r, TextLineFinder.Line line) {
        int scale = Math.max(1, Math.min(4, Math.round((float) READ_HEIGHT / Math.max(1, line.glyphHeight()))));
        int border = 8;
        int w = r.width * scale + 2 * border;
        int h = r.height * scale + 2 * border;
        byte[] out = new byte[w * h];
        java.util.Arrays.fill(out, (byte) 255);
        for (int y = 0; y < r.height * scale; y++) {
            double sy = (y + 0.5) / scale - 0.5;
            int y0 = Math.max(0, (int) Math.floor(sy));
            int y1 = Math.min(r.height - 1, y0 + 1);
            double fy = Math.max(0, sy - y0);
            for (int x = 0; x < r.width * scale; x++) {
                double sx = (x + 0.5) / scale - 0.5;
                int x0 = Math.max(0, (int) Math.floor(sx));
                int x1 = Math.min(r.width - 1, x0 + 1);
                double fx = Math.max(0, sx - x0);
                double top = at(grey, width, r, x0, y0) * (1 - fx) + at(grey, width, r, x1, y0) * fx;
                double bottom = at(grey, width, r, x0, y1) * (1 - fx) + at(grey, width, r, x1, y1) * fx;
                int v = (int) Math.round(top * (1 - fy) + bottom * fy);
                out[(y + border) * w + x + border] = (byte) (line.lightOnDark() ? 255 - v : v);
            }
        }
        return new Strip(out, w, h);
    }

    private static int at(byte[] grey, int width, Rectangle r, int x, int y) {
        return grey[(r.y + y) * width + r.x + x] & 0xFF;
    }
}
