package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cheap first step of the text check: it must find every line a device or a workstation
 * could draw (fonts, sizes, light on dark and dark on light, over anatomy), and nothing in
 * anatomy and noise, where a finding would cost an OCR call.
 */
class TextLineFinderTest {
    private static final int SIZE = 512;

    static Stream<Arguments> drawnText() {
        return Stream.of(Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED).flatMap(font ->
                Stream.of(9, 12, 16, 22, 30).flatMap(size ->
                        Stream.of(true, false).map(light -> Arguments.of(font, size, light))));
    }

    @ParameterizedTest(name = "{0} {1}px light={2}")
    @MethodSource("drawnText")
    void findsALineOfTextWhereverItIsDrawn(String font, int size, boolean light) {
        byte[] frame = light ? SyntheticFrames.plainCt(SIZE) : SyntheticFrames.paper(SIZE);
        // Rows above 50 are air in the CT-like frame.
        Rectangle drawn = draw(frame, "Doe^Jane 4471923", font, size, light ? 235 : 20, 20, 40);
        List<TextLineFinder.Line> lines = TextLineFinder.find(frame, SIZE, SIZE);
        assertThat(lines).as("a line over the drawn text").anyMatch(l -> l.bounds().intersects(drawn)
                && l.lightOnDark() == light && l.glyphs() >= 3);
    }

    @Test
    void findsTextInEveryCornerOfOneFrame() {
        byte[] frame = SyntheticFrames.plainCt(SIZE);
        Rectangle a = draw(frame, "ID 20231104", Font.SANS_SERIF, 12, 230, 4, 14);
        Rectangle b = draw(frame, "SMITH JOHN", Font.SANS_SERIF, 12, 230, 380, 14);
        Rectangle c = draw(frame, "Mount Hope", Font.SERIF, 14, 230, 4, 500);
        Rectangle d = draw(frame, "W 400 L 40", Font.MONOSPACED, 12, 230, 400, 500);
        List<TextLineFinder.Line> lines = TextLineFinder.find(frame, SIZE, SIZE);
        for (Rectangle drawn : List.of(a, b, c, d)) {
            assertThat(lines).anyMatch(l -> l.bounds().intersects(drawn));
        }
    }

    @Test
    void findsTextOverAnatomy() {
        byte[] frame = SyntheticFrames.plainCt(SIZE);
        Rectangle drawn = draw(frame, "4471923", Font.SANS_SERIF, 16, 235, 200, 260);
        assertThat(TextLineFinder.find(frame, SIZE, SIZE)).anyMatch(l -> l.bounds().intersects(drawn));
    }

    @Test
    void findsNothingInAnatomyOrNoise() {
        assertThat(TextLineFinder.find(SyntheticFrames.plainCt(SIZE), SIZE, SIZE)).isEmpty();
        assertThat(TextLineFinder.find(new byte[SIZE * SIZE], SIZE, SIZE)).isEmpty();
        byte[] gradient = new byte[SIZE * SIZE];
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = (byte) ((i % SIZE) / 2);
        }
        assertThat(TextLineFinder.find(gradient, SIZE, SIZE)).isEmpty();
    }

    /**
     * A region with far more runs than the search's arrays first hold (fine stripes beside the
     * text, in the same group of busy tiles): they grow, and the text is still found.
     */
    @Test
    void findsTextBesideATextureOfManyRuns() {
        byte[] frame = new byte[SIZE * SIZE];
        for (int y = 200; y < 280; y++) {
            for (int x = 100; x < 200; x += 2) {
                frame[y * SIZE + x] = (byte) 255;
            }
        }
        byte[] stripesAlone = frame.clone();
        Rectangle drawn = draw(frame, "4471923", Font.SANS_SERIF, 16, 235, 204, 250);
        assertThat(TextLineFinder.find(frame, SIZE, SIZE)).anyMatch(l -> l.bounds().intersects(drawn));
        assertThat(TextLineFinder.find(stripesAlone, SIZE, SIZE)).isEmpty();
    }

    @Test
    void smallFramesAreNotSearched() {
        assertThat(TextLineFinder.find(new byte[8 * 4], 8, 4)).isEmpty();
    }

    /** Draws a string and returns where its pixels are. */
    private static Rectangle draw(byte[] frame, String text, String font, int size, int grey, int x, int baseline) {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, SIZE, SIZE, frame);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(font, Font.PLAIN, size));
        g.setColor(new Color(grey, grey, grey));
        g.drawString(text, x, baseline);
        Rectangle bounds = g.getFontMetrics().getStringBounds(text, g).getBounds();
        g.dispose();
        img.getRaster().getDataElements(0, 0, SIZE, SIZE, frame);
        bounds.translate(x, baseline);
        return bounds;
    }

    /**
     * A frame tiled with thousands of short words, each a line of its own: the search stops past
     * {@link TextLineFinder#MAX_LINES} (merging them was quadratic), and the check withholds such
     * a frame rather than read it.
     */
    @org.junit.jupiter.api.Timeout(60)
    @Test
    void aFrameOfThousandsOfLinesStopsTheSearch() {
        int size = 2048;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 12));
        for (int y = 20; y < size - 4; y += 18) {
            for (int x = 4; x < size - 40; x += 48) {
                g.drawString("ABC", x, y);
            }
        }
        g.dispose();
        byte[] frame = new byte[size * size];
        img.getRaster().getDataElements(0, 0, size, size, frame);
        List<TextLineFinder.Line> lines = TextLineFinder.find(frame, size, size);
        assertThat(TextLineFinder.overflows(lines)).as("%d lines", lines.size()).isTrue();
        assertThat(new BurnedInTextCheck(java.util.Optional.empty(), java.util.Set.of())
                .check(frame, size, size, 0, new java.util.HashMap<>(), new int[1]))
                .hasValueSatisfying(reason -> assertThat(reason).contains("more than " + TextLineFinder.MAX_LINES));
    }
}
