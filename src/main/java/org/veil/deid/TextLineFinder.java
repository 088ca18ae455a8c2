package org.veil.deid;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds lines of burned-in text in an 8-bit grey frame, as the cheap first step of the text check
 * (docs/deidentification.md, "Text in the pixels"). It does not read: it says where a reader
 * should look, so that OCR runs on a few small strips instead of on every frame.
 *
 * <p>Burned-in annotation is drawn by a device or a workstation: glyphs of one height, each a
 * small connected shape with a sharp edge to its background, side by side on one baseline.
 * Anatomy, speckle and noise rarely look like that. The search has two stages:
 * <ol>
 *   <li>Tiles of 16 x 16 pixels with many strong horizontal transitions (sampled on every other
 *       row) are <em>busy</em>; a frame without busy tiles has no text and costs one pass.</li>
 *   <li>In each group of busy tiles, shapes are cut out at five levels of brightness, for light
 *       text on dark and dark text on light; shapes of glyph size with a clear background around
 *       them are chained into lines of at least {@value #MIN_GLYPHS} glyphs.</li>
 * </ol>
 * Plain Java over a byte array, so that it costs no image library and runs anywhere.
 */
public final class TextLineFinder {
    static final int TILE = 16;
    /** A grey-level step this large between neighbours is an edge (of 255). */
    static final int EDGE = 40;
    /** Edges a tile needs (on its 8 sampled rows) to be worth a closer look. */
    static final int BUSY = 6;
    static final int MIN_GLYPHS = 3;
    static final int MIN_GLYPH_HEIGHT = 6;
    static final int MAX_GLYPH_HEIGHT = 64;
    /** The thresholds shapes are cut at, in eighths of a region's range of grey levels. */
    private static final int[] LEVELS = {4, 2, 6, 1, 7};
    /** Regions of busy tiles larger than this share of the frame are searched in pieces of this size. */
    private static final int MAX_REGION_TILES = 24;

    /**
     * Lines one frame may show before the search stops: merging the lines of overlapping pieces
     * is quadratic in their number, and a frame drawn full of tiny three-glyph lines (hundreds of
     * thousands in 4096 x 4096) would hold a request for hours. More than this is no image to
     * check line by line; the caller withholds it ({@link #overflows}).
     */
    public static final int MAX_LINES = 2_000;

    /** A line of glyphs: where it is, how many glyphs, their median height, and whether it is light on dark. */
    public record Line(Rectangle bounds, int glyphs, int glyphHeight, boolean lightOnDark) {
    }

    private TextLineFinder() {
    }

    /** The text lines of a frame, top to bottom; empty for most frames, after one pass over them. */
    public static List<Line> find(byte[] grey, int width, int height) {
        if (width < 16 || height < 8) {
            return List.of();
        }
        boolean[][] busy = busyTiles(grey, width, height);
        List<Line> lines = new ArrayList<>();
        Scratch scratch = new Scratch();
        for (Rectangle region : regions(busy, width, height)) {
            lines.addAll(linesIn(grey, width, region, scratch));
            if (lines.size() > MAX_LINES) {
                return lines;
            }
        }
        return merge(lines);
    }

    /** Whether {@link #find} stopped at {@link #MAX_LINES}: the lines are then neither all nor merged. */
    public static boolean overflows(List<Line> found) {
        return found.size() > MAX_LINES;
    }

    static boolean[][] busyTiles(byte[] grey, int width, int height) {
        int tw = (width + TILE - 1) / TILE;
        int th = (height + TILE - 1) / TILE;
        int[][] edges = new int[th][tw];
        for (int y = 0; y < height; y += 2) {
            int row = y * width;
            int ty = y / TILE;
            int[] counts = edges[ty];
            int previous = grey[row] & 0xFF;
            for (int x = 1; x < width; x++) {
                int v = grey[row + x] & 0xFF;
                int d = v - previous;
                if (d >= EDGE || d <= -EDGE) {
                    counts[x / TILE]++;
                }
                previous = v;
            }
        }
        boolean[][] busy = new boolean[th][tw];
        for (int ty = 0; ty < th; ty++) {
            for (int tx = 0; tx < tw; tx++) {
                busy[ty][tx] = edges[ty][tx] >= BUSY;
            }
        }
        return busy;
    }

    /**
     * Where to look: runs of at least two busy tiles along a row of tiles (a gap of one tile
     * allowed), joined with the runs above and below them that overlap them, each group as a
     * pixel rectangle one tile larger on every side. A lone busy tile (a border line, the edge of
     * an organ) is not a line of text.
     */
    static List<Rectangle> regions(boolean[][] busy, int width, int height) {
        int th = busy.length;
        int tw = busy[0].length;
        List<int[]> runs = new ArrayList<>(); // {row, x0, x1, group}
        for (int ty = 0; ty < th; ty++) {
            int tx = 0;
            while (tx < tw) {
                if (!busy[ty][tx]) {
                    tx++;
                    continue;
                }
                int x0 = tx;
                int x1 = tx;
                while (tx < tw && (busy[ty][tx] || (tx + 1 < tw && busy[ty][tx + 1]))) {
                    if (busy[ty][tx]) {
                        x1 = tx;
                    }
                    tx++;
                }
                if (x1 > x0) {
                    runs.add(new int[] {ty, x0, x1, runs.size()});
                }
            }
        }
        int[] parent = new int[runs.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < runs.size(); i++) {
            int[] a = runs.get(i);
            for (int j = i + 1; j < runs.size() && runs.get(j)[0] <= a[0] + 1; j++) {
                int[] b = runs.get(j);
                if (b[0] == a[0] + 1 && b[1] <= a[2] && a[1] <= b[2]) {
                    union(parent, i, j);
                }
            }
        }
        java.util.Map<Integer, Rectangle> groups = new java.util.LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            int[] r = runs.get(i);
            Rectangle tiles = new Rectangle(r[1], r[0], r[2] - r[1] + 1, 1);
            groups.merge(find(parent, i), tiles, (x, y) -> x.union(y));
        }
        List<Rectangle> out = new ArrayList<>();
        for (Rectangle t : groups.values()) {
            Rectangle r = new Rectangle((t.x - 1) * TILE, (t.y - 1) * TILE, (t.width + 2) * TILE, (t.height + 2) * TILE)
                    .intersection(new Rectangle(0, 0, width, height));
            split(r, out);
        }
        return out;
    }

    /** Large regions are searched in overlapping pieces, so that the cost of a piece stays bounded. */
    private static void split(Rectangle r, List<Rectangle> out) {
        int max = MAX_REGION_TILES * TILE;
        int overlap = MAX_GLYPH_HEIGHT + 8;
        for (int y = r.y; y < r.y + r.height; y += max - overlap) {
            for (int x = r.x; x < r.x + r.width; x += max - overlap) {
                out.add(new Rectangle(x, y, Math.min(max, r.x + r.width - x), Math.min(max, r.y + r.height - y)));
                if (x + max >= r.x + r.width) {
                    break;
                }
            }
            if (y + max >= r.y + r.height) {
                break;
            }
        }
    }

    private static List<Line> linesIn(byte[] grey, int width, Rectangle region, Scratch scratch) {
        int w = region.width;
        int h = region.height;
        byte[] local = scratch.pixels(w * h);
        int min = 255;
        int max = 0;
        for (int y = 0; y < h; y++) {
            System.arraycopy(grey, (region.y + y) * width + region.x, local, y * w, w);
            for (int x = 0; x < w; x++) {
                int v = local[y * w + x] & 0xFF;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (max - min < EDGE) {
            return List.of();
        }
        // A shape cut by the piece's edge is judged in the neighbouring piece; at the frame's edge
        // there is none, and a name whose baseline is the last row was judged nowhere. There the
        // shape is judged as it is, what lies beyond the frame counted as its clear margin.
        int frameEdges = (region.x == 0 ? LEFT : 0) | (region.y == 0 ? TOP : 0)
                | (region.x + w == width ? RIGHT : 0) | (region.y + h == grey.length / width ? BOTTOM : 0);
        // Burned-in text is drawn to be seen, so it usually stands on either side of the middle
        // of the region's range; the quarter levels catch text over anatomy, and the eighths
        // text drawn at the range's end over bone or contrast (white on bright, which the
        // quarter levels join to what is around it). Every level is cut:
        // text whose background brightens along the line (a name running from air onto the
        // table or the body) stands clear of it at one level for its first glyphs and at another
        // for all of them, and stopping at the first level with a line read "QUI" of "QUIMBY".
        List<Line> found = new ArrayList<>();
        for (int eighths : LEVELS) {
            int threshold = min + (max - min) * eighths / 8;
            List<List<Glyph>> shapes = glyphs(local, w, h, region.x, region.y, threshold, frameEdges, scratch);
            found.addAll(chain(shapes.get(0), true));
            found.addAll(chain(shapes.get(1), false));
        }
        return longestFirst(found);
    }

    /**
     * One line for each place text was found, the widest where levels found the same text in part
     * and in whole: the whole line is read. Width before glyphs: a level that breaks letters
     * into pieces finds more glyphs over the same width, and the line would be judged by pieces.
     */
    private static List<Line> longestFirst(List<Line> lines) {
        if (lines.size() < 2) {
            return lines;
        }
        lines.sort(Comparator.comparingInt((Line l) -> l.bounds().width).reversed().thenComparing(l -> -l.glyphs()));
        List<Line> out = new ArrayList<>();
        for (Line l : lines) {
            if (out.stream().noneMatch(o -> sameText(o, l))) {
                out.add(l);
            }
        }
        return out;
    }

    /** Which of a piece's edges are the frame's: {@link #glyphs} judges shapes cut there. */
    static final int LEFT = 1;
    static final int TOP = 2;
    static final int RIGHT = 4;
    static final int BOTTOM = 8;

    /** A connected shape that could be a glyph: its box and its pixel count. */
    record Glyph(int x, int y, int w, int h, int area) {
        int bottom() {
            return y + h;
        }

        int centreY2() {
            return 2 * y + h;
        }
    }

    /**
     * Arrays reused across the regions of one frame, sized by the runs a region has rather than
     * by its pixels: a region of 384 x 384 pixels has a few thousand runs, and allocating (and
     * zeroing) nine arrays of 147,456 entries for it was a seventh of the search's time.
     */
    static final class Scratch {
        private byte[] pixels = new byte[0];
        /** Per run: row, first and last column, union-find parent; per root: box and area. */
        private int[] runY = new int[1024];
        private int[] runX0 = new int[1024];
        private int[] runX1 = new int[1024];
        private int[] parent = new int[1024];
        private int[] minX = new int[0];
        private int[] maxX = new int[0];
        private int[] maxY = new int[0];
        private int[] area = new int[0];
        private boolean[] judged = new boolean[0];

        byte[] pixels(int n) {
            if (pixels.length < n) {
                pixels = new byte[n];
            }
            return pixels;
        }

        /** The run arrays, half as large again: a region has more runs than they hold. */
        void moreRuns() {
            int n = runY.length + (runY.length >> 1);
            runY = java.util.Arrays.copyOf(runY, n);
            runX0 = java.util.Arrays.copyOf(runX0, n);
            runX1 = java.util.Arrays.copyOf(runX1, n);
            parent = java.util.Arrays.copyOf(parent, n);
        }

        /** The per-shape arrays for this many runs, none judged yet. */
        void shapes(int n) {
            if (minX.length < n) {
                int size = Math.max(n, runY.length);
                minX = new int[size];
                maxX = new int[size];
                maxY = new int[size];
                area = new int[size];
                judged = new boolean[size];
            } else {
                java.util.Arrays.fill(judged, 0, n, false);
            }
        }
    }

    /**
     * The shapes on either side of the threshold, light ({@code >= threshold}) and dark, each
     * 8-connected, of glyph size and fill, with a clear margin around them: light text has dark
     * pixels around it, and speckle does not. Returns {light, dark}.
     *
     * <p>One pass over the rows cuts each row into runs of one side; a run joins the runs of its
     * side in the row above that touch it, diagonals included (union-find). So the cost is one
     * comparison per pixel and a few steps per run, for both sides at once.
     */
    static List<List<Glyph>> glyphs(byte[] px, int w, int h, int ox, int oy, int threshold, int frameEdges, Scratch scratch) {
        int[] runY = scratch.runY;
        int[] runX0 = scratch.runX0;
        int[] runX1 = scratch.runX1;
        int[] parent = scratch.parent;
        int runs = 0;
        int previousStart = 0;
        int previousEnd = 0;
        for (int y = 0; y < h; y++) {
            int rowStart = runs;
            int row = y * w;
            int x = 0;
            int j = previousStart;
            while (x < w) {
                boolean light = (px[row + x] & 0xFF) >= threshold;
                int x0 = x;
                while (x < w && ((px[row + x] & 0xFF) >= threshold) == light) {
                    x++;
                }
                if (runs == runY.length) {
                    scratch.moreRuns();
                    runY = scratch.runY;
                    runX0 = scratch.runX0;
                    runX1 = scratch.runX1;
                    parent = scratch.parent;
                }
                int r = runs++;
                runY[r] = y;
                runX0[r] = x0;
                runX1[r] = x - 1;
                parent[r] = r;
                // Runs of the row above alternate sides and cover it: skip those left of this
                // run's reach, join those of its side within it (one column of slack each way).
                while (j < previousEnd && runX1[j] < x0 - 1) {
                    j++;
                }
                for (int k = j; k < previousEnd && runX0[k] <= x; k++) {
                    if (((px[(y - 1) * w + runX0[k]] & 0xFF) >= threshold) == light) {
                        union(parent, r, k);
                    }
                }
            }
            previousStart = rowStart;
            previousEnd = runs;
        }
        scratch.shapes(runs);
        int[] minX = scratch.minX;
        int[] maxX = scratch.maxX;
        int[] maxY = scratch.maxY;
        int[] area = scratch.area;
        for (int r = 0; r < runs; r++) {
            if (parent[r] == r) {
                minX[r] = Integer.MAX_VALUE;
                maxX[r] = -1;
                maxY[r] = -1;
                area[r] = 0;
            }
        }
        for (int r = 0; r < runs; r++) {
            int root = find(parent, r);
            minX[root] = Math.min(minX[root], runX0[r]);
            maxX[root] = Math.max(maxX[root], runX1[r]);
            maxY[root] = Math.max(maxY[root], runY[r]);
            area[root] += runX1[r] - runX0[r] + 1;
        }
        List<Glyph> light = new ArrayList<>();
        List<Glyph> dark = new ArrayList<>();
        // Each shape is judged once, in the order of its first pixel (row by row), at its root.
        boolean[] judged = scratch.judged;
        for (int r = 0; r < runs; r++) {
            int root = find(parent, r);
            if (judged[root]) {
                continue;
            }
            judged[root] = true;
            boolean isLight = (px[runY[r] * w + runX0[r]] & 0xFF) >= threshold;
            Glyph g = glyph(px, w, h, threshold, isLight, minX[root], runY[r], maxX[root], maxY[root], area[root], frameEdges);
            if (g != null) {
                (isLight ? light : dark).add(new Glyph(ox + g.x(), oy + g.y(), g.w(), g.h(), g.area()));
            }
        }
        return List.of(light, dark);
    }

    /** The shape as a glyph, or null when its size, fill, place or surround says it is not one. */
    private static Glyph glyph(byte[] px, int w, int h, int threshold, boolean light,
                               int x0, int y0, int x1, int y1, int area, int frameEdges) {
        int gw = x1 - x0 + 1;
        int gh = y1 - y0 + 1;
        if (gh < MIN_GLYPH_HEIGHT || gh > MAX_GLYPH_HEIGHT || gw > 2 * gh || area < 5) {
            return null;
        }
        double fill = (double) area / (gw * gh);
        if (fill < 0.12 || (fill > 0.92 && gw > 2)) {
            return null;
        }
        if ((x0 == 0 && (frameEdges & LEFT) == 0) || (y0 == 0 && (frameEdges & TOP) == 0)
                || (x1 == w - 1 && (frameEdges & RIGHT) == 0) || (y1 == h - 1 && (frameEdges & BOTTOM) == 0)) {
            return null; // cut by the region's edge inside the frame: judged in the neighbouring piece
        }
        return clearAround(px, w, h, x0, y0, x1, y1, threshold, light) ? new Glyph(x0, y0, gw, gh, area) : null;
    }

    /**
     * Whether the ring of pixels just outside the shape's box is background: at least 85% of it
     * on the other side of the threshold. (The ring lies outside the box, so none of it is the
     * shape itself.)
     */
    private static boolean clearAround(byte[] px, int w, int h, int x0, int y0, int x1, int y1, int threshold, boolean light) {
        int total = 0;
        int background = 0;
        for (int y = y0 - 1; y <= y1 + 1; y++) {
            boolean edgeRow = y == y0 - 1 || y == y1 + 1;
            for (int x = x0 - 1; x <= x1 + 1; x += edgeRow ? 1 : x1 - x0 + 2) {
                total++;
                // Beyond the frame (a shape on its edge): nothing is drawn there to join the shape.
                if (x < 0 || y < 0 || x >= w || y >= h || ((px[y * w + x] & 0xFF) >= threshold) != light) {
                    background++;
                }
            }
        }
        return background * 100 >= total * 85;
    }

    /**
     * Chains glyphs into lines: neighbours of similar height, centred on one line, no further apart
     * than one and a half glyph heights. Lines of at least {@value #MIN_GLYPHS} glyphs are kept.
     */
    static List<Line> chain(List<Glyph> glyphs, boolean light) {
        int n = glyphs.size();
        if (n < MIN_GLYPHS) {
            return List.of();
        }
        List<Glyph> sorted = new ArrayList<>(glyphs);
        sorted.sort(Comparator.comparingInt(Glyph::x));
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            Glyph a = sorted.get(i);
            for (int j = i + 1; j < n; j++) {
                Glyph b = sorted.get(j);
                int hMax = Math.max(a.h(), b.h());
                int gap = b.x() - (a.x() + a.w());
                if (gap > 3 * hMax / 2) {
                    break;
                }
                boolean similar = Math.max(a.h(), b.h()) * 10 <= Math.min(a.h(), b.h()) * 22;
                boolean aligned = Math.abs(a.centreY2() - b.centreY2()) <= hMax || Math.abs(a.bottom() - b.bottom()) <= hMax / 4 + 1;
                if (similar && aligned && gap >= -1) {
                    union(parent, i, j);
                }
            }
        }
        List<List<Glyph>> groups = new ArrayList<>();
        int[] index = new int[n];
        java.util.Arrays.fill(index, -1);
        for (int i = 0; i < n; i++) {
            int root = find(parent, i);
            if (index[root] < 0) {
                index[root] = groups.size();
                groups.add(new ArrayList<>());
            }
            groups.get(index[root]).add(sorted.get(i));
        }
        List<Line> lines = new ArrayList<>();
        for (List<Glyph> g : groups) {
            if (g.size() < MIN_GLYPHS) {
                continue;
            }
            Rectangle bounds = new Rectangle(g.get(0).x(), g.get(0).y(), g.get(0).w(), g.get(0).h());
            int[] heights = new int[g.size()];
            for (int i = 0; i < g.size(); i++) {
                Glyph q = g.get(i);
                bounds.add(new Rectangle(q.x(), q.y(), q.w(), q.h()));
                heights[i] = q.h();
            }
            java.util.Arrays.sort(heights);
            int median = heights[heights.length / 2];
            if (straight(g, median, bounds)) {
                lines.add(new Line(bounds, g.size(), median, light));
            }
        }
        return lines;
    }

    /**
     * A line of text is straight: its glyphs stay within about one and a half glyph heights, or
     * nearly all of them stand on one baseline and only a few (descenders) reach past it, within
     * about twice the median glyph. Chains of speckle wander up and down.
     */
    private static boolean straight(List<Glyph> g, int median, Rectangle bounds) {
        if (bounds.height * 10 <= median * 16) {
            return true;
        }
        // Mixed case: capitals, ascenders and descenders make the line taller; what stays is the
        // baseline, which nearly every glyph of a line of five or more stands on. Speckle that
        // happens to chain rarely does, and small glyphs are left to the first rule.
        if (g.size() < 5 || median < 8 || bounds.height > 2 * median + 2) {
            return false;
        }
        int[] bottoms = new int[g.size()];
        for (int i = 0; i < bottoms.length; i++) {
            bottoms[i] = g.get(i).bottom();
        }
        java.util.Arrays.sort(bottoms);
        int baseline = bottoms[bottoms.length / 2];
        int tolerance = Math.max(1, median / 8);
        int onBaseline = 0;
        for (int b : bottoms) {
            if (Math.abs(b - baseline) <= tolerance) {
                onBaseline++;
            }
        }
        return onBaseline * 5 >= bottoms.length * 4;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        parent[find(parent, a)] = find(parent, b);
    }

    /**
     * Two lines over the same text: of one polarity, overlapping along at least half the shorter
     * one and over at least half the lower one's height (a line just touching the next one's box
     * is another line, and is read too).
     */
    private static boolean sameText(Line a, Line b) {
        if (a.lightOnDark() != b.lightOnDark() || !a.bounds().intersects(b.bounds())) {
            return false;
        }
        Rectangle both = a.bounds().intersection(b.bounds());
        return both.width * 2 >= Math.min(a.bounds().width, b.bounds().width)
                && both.height * 2 >= Math.min(a.bounds().height, b.bounds().height);
    }

    /**
     * Lines found twice (in overlapping pieces of a region) are reported once, the one of most
     * glyphs; top to bottom.
     */
    private static List<Line> merge(List<Line> lines) {
        List<Line> out = new ArrayList<>(longestFirst(lines));
        out.sort(Comparator.comparingInt((Line l) -> l.bounds().y).thenComparingInt(l -> l.bounds().x));
        return out;
    }
}
