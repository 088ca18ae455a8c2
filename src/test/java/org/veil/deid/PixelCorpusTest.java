package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.PixelFrames;
import org.veil.dicom.Tag;

/**
 * Identifiers in the pixels and in the pixel container, with no header saying so: text drawn
 * into the image of an unknown device, below a device rule's rectangle, inside ultrasound
 * regions, in one late frame of many; codec comments; bits above Bits Stored; bytes past the last
 * frame. For each, the text is first shown to be there: read from the original by Debian's
 * tesseract (not Veil's reader) and found by Veil's own check; then the derivative must be
 * withheld, or carry none of it. Annotation that identifies no one (orientation letters, a
 * window, a scale) does not withhold.
 */
class PixelCorpusTest {
    private static final String NAME = "BAKER JOHN 48213377";
    @TempDir
    static Path dir;
    private final Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));

    /** A 16-bit CT of the given size with soft noise, and the given lines drawn in white at (x, y). */
    static BufferedImage ct(int size, long seed) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_USHORT_GRAY);
        Random r = new Random(seed);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = x - size / 2.0;
                double dy = y - size / 2.0;
                int v = dx * dx + dy * dy < (size * 0.3) * (size * 0.3) ? 1000 + (int) (r.nextGaussian() * 20) : 0;
                img.getRaster().setSample(x, y, 0, Math.max(0, v));
            }
        }
        return img;
    }

    static BufferedImage draw(BufferedImage img, int x, int y, int size, String... lines) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setColor(new Color(0xFFFF, true));
        g.setPaint(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
        for (int i = 0; i < lines.length; i++) {
            g.drawString(lines[i], x, y + (i + 1) * (size + 4));
        }
        g.dispose();
        // white in a 16-bit grey image is 65535: bring it to 4095, the top of 12 stored bits
        for (int yy = 0; yy < img.getHeight(); yy++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
                if (img.getRaster().getSample(xx, yy, 0) > 4095) {
                    img.getRaster().setSample(xx, yy, 0, 4095);
                }
            }
        }
        return img;
    }

    /** An instance of the frames, as CT of the given manufacturer (or another SOP class), native 16-bit. */
    static byte[] instance(String sopClass, String modality, String manufacturer, String model, List<BufferedImage> frames,
                           RawDataset extra) {
        int w = frames.get(0).getWidth();
        int h = frames.get(0).getHeight();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        for (BufferedImage f : frames) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = f.getRaster().getSample(x, y, 0);
                    pixels.write(v);
                    pixels.write(v >>> 8);
                }
            }
        }
        RawDataset d = AdversarialCorpus.ct(90).text(0x00080016, "UI", sopClass).text(0x00080060, "CS", modality)
                .text(0x00080070, "LO", manufacturer).us(0x00280010, h).us(0x00280011, w)
                .text(0x00281050, "DS", "1024").text(0x00281051, "DS", "4096")
                .put(0x7FE00010, "OW", pixels.toByteArray());
        if (model != null) {
            d.text(0x00081090, "LO", model);
        }
        if (frames.size() > 1) {
            d.text(0x00280008, "IS", Integer.toString(frames.size()));
        }
        if (extra != null) {
            for (byte[] e : java.util.List.of(extra.bytes())) {
                // the extra elements are merged by re-reading them into this data set
                mergeInto(d, e);
            }
        }
        return d.part10(sopClass, AdversarialCorpus.ROOT + ".3.90");
    }

    private static void mergeInto(RawDataset target, byte[] elements) {
        int i = 0;
        while (i < elements.length) {
            int group = (elements[i] & 0xFF) | (elements[i + 1] & 0xFF) << 8;
            int element = (elements[i + 2] & 0xFF) | (elements[i + 3] & 0xFF) << 8;
            String vr = new String(elements, i + 4, 2, StandardCharsets.US_ASCII);
            boolean longVr = "OB OW OF OD OL OV UN SQ UT UC UR SV UV".contains(vr);
            int length = longVr ? (int) ((elements[i + 8] & 0xFFL) | (elements[i + 9] & 0xFFL) << 8 | (elements[i + 10] & 0xFFL) << 16
                    | (elements[i + 11] & 0xFFL) << 24) : (elements[i + 6] & 0xFF) | (elements[i + 7] & 0xFF) << 8;
            int header = longVr ? 12 : 8;
            target.put(group << 16 | element, vr, java.util.Arrays.copyOfRange(elements, i + header, i + header + length));
            i += header + length;
        }
    }

    /** Debian's tesseract on a frame of the instance, rendered by dcmtk: the independent proof that the text is there. */
    static String tesseract(byte[] part10, int frame) throws Exception {
        return tesseract(part10, frame, "+Wi", "1");
    }

    /** As above, with dcm2pnm's window options: {@code +Wi 1} the file's first window, {@code +Ww c w} a window of one's choosing. */
    static String tesseract(byte[] part10, int frame, String... window) throws Exception {
        Path dcm = Files.createTempFile(dir, "ocr", ".dcm");
        Files.write(dcm, part10);
        Path png = dir.resolve(dcm.getFileName() + ".png");
        // dark text on light, twice the size: how tesseract reads best
        List<String> command = new java.util.ArrayList<>(List.of("dcm2pnm", "--write-png", "-il"));
        command.addAll(List.of(window));
        command.addAll(List.of("+Sxf", "2", "+P", "--frame", Integer.toString(frame), dcm.toString(), png.toString()));
        Process render = new ProcessBuilder(command).redirectErrorStream(true).start();
        render.getInputStream().readAllBytes();
        assertThat(render.waitFor()).isZero();
        Process ocr = new ProcessBuilder("tesseract", png.toString(), "stdout", "--psm", "6").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(ocr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // An OCR that failed reads nothing, which would pass every "no name" check.
        assertThat(ocr.waitFor()).as("tesseract's exit").isZero();
        return text.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    private Outcome teaching(byte[] part10) throws Exception {
        return engine.deidentify(part10, Profiles.defaults().get("teaching").orElseThrow(), "teaching");
    }

    /** Veil's own check finds the text in the original's pixels, as it would in the derivative's. */
    private static Optional<String> veilSees(byte[] part10) throws Exception {
        PixelFrames frames = Part10Editor.readDecoded(part10).pixels(1L << 30);
        return BurnedInTextCheck.standard().check(frames);
    }

    @Test
    void aNameInTheCornerOfAnUnknownVendorsCtIsWithheld() throws Exception {
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(draw(ct(256, 1), 6, 6, 16, NAME)), null);
        assertThat(tesseract(original, 1)).contains("BAKER", "JOHN");
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /** A device's 5 x 7 bitmap font, as older scanners draw their overlay: the glyphs a name and a year need. */
    private static final java.util.Map<Character, String[]> BITMAP = java.util.Map.of(
            'Q', new String[] {" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"},
            'U', new String[] {"#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "},
            'I', new String[] {" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "},
            'M', new String[] {"#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"},
            'B', new String[] {"#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "},
            'Y', new String[] {"#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "},
            '1', new String[] {"  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "},
            '9', new String[] {" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "},
            '5', new String[] {"#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "},
            '0', new String[] {" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "});

    /** Text in {@link #BITMAP}'s font, each dot {@code scale} pixels square, at the top of 12 stored bits. */
    private static BufferedImage bitmapText(BufferedImage img, int x, int y, int scale, String text) {
        for (int i = 0; i < text.length(); i++) {
            String[] glyph = BITMAP.get(text.charAt(i));
            for (int row = 0; glyph != null && row < 7; row++) {
                for (int col = 0; col < 5; col++) {
                    if (glyph[row].charAt(col) == '#') {
                        for (int d = 0; d < scale * scale; d++) {
                            img.getRaster().setSample(x + (i * 6 + col) * scale + d % scale, y + row * scale + d / scale, 0, 4095);
                        }
                    }
                }
            }
        }
        return img;
    }

    /**
     * A name in a device's bitmap font that runs from air onto bone: white on black for its first
     * letters, white on near-white for the rest. The line finder stopped at the first threshold
     * that showed a line, which held only "QUI"; Tesseract read that as a lone low-confidence
     * word and the instance was served (a black-box probe of 2026-12-03). Every threshold is now
     * cut, the longest line kept, and a long line read as three letters is not read.
     */
    @ParameterizedTest
    @ValueSource(strings = {"QUIMBY", "1950", "MBY QUI"})
    void aNameInABitmapFontRunningOntoBoneIsWithheld(String text) throws Exception {
        BufferedImage frame = ct(256, 9);
        for (int y = 2; y < 40; y++) {
            for (int x = 40; x < 200; x++) {
                frame.getRaster().setSample(x, y, 0, 2200); // bone: 200 of 255 in the window, the text 255
            }
        }
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(bitmapText(frame, 4, 10, 2, text)), null);
        PixelFrames frames = Part10Editor.readDecoded(original).pixels(1L << 30);
        int glyphs = (int) text.chars().filter(c -> c != ' ').count();
        assertThat(TextLineFinder.find(frames.luminance(0, frames.window()), 256, 256))
                .as("the whole line is found, not its first letters").anyMatch(l -> l.glyphs() >= glyphs);
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /** A name in a script the English model cannot read is still text: withheld, read or not. */
    @Test
    void aNameInCyrillicIsWithheld() throws Exception {
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null,
                List.of(draw(ct(256, 6), 6, 6, 16, "\u0418\u0412\u0410\u041D\u041E\u0412 \u041F\u0401\u0422\u0420 19.06.1932")), null);
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    @Test
    void textBelowADeviceRulesRectangleIsWithheld() throws Exception {
        // the GE GENESIS_ZEUS rule blacks out rows 0 to 61 of 512 x 512 secondary captures; the name is at row 70
        RawDataset secondary = new RawDataset().text(0x00080008, "CS", "DERIVED\\SECONDARY\\3D").text(0x00081090, "LO", "GENESIS_ZEUS");
        byte[] original = instance(AdversarialCorpus.CT, "CT", "GE MEDICAL SYSTEMS", "GENESIS_ZEUS",
                List.of(draw(ct(512, 2), 8, 62, 16, NAME)), secondary);
        assertThat(tesseract(original, 1)).contains("BAKER");
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    @Test
    void textInOneLateFrameOfTenIsWithheld() throws Exception {
        List<BufferedImage> frames = new java.util.ArrayList<>();
        for (int f = 0; f < 10; f++) {
            frames.add(f == 7 ? draw(ct(128, 10 + f), 4, 2, 14, "BAKER JOHN") : ct(128, 10 + f));
        }
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, frames, null);
        assertThat(tesseract(original, 8)).contains("BAKER");
        assertThat(tesseract(original, 1)).doesNotContain("BAKER");
        Outcome outcome = teaching(original);
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Withheld.class, w -> assertThat(w.reason()).contains("frame 8"));
    }

    @Test
    void textInsideAnUltrasoundRegionIsWithheld() throws Exception {
        BufferedImage image = draw(ct(256, 3), 24, 22, 16, "PT BAKER J 48213377");
        RawDataset regions = new RawDataset().sequence(0x00186011, "SQ", new RawDataset()
                .put(0x00186018, "UL", RawDataset.le32(20)).put(0x0018601A, "UL", RawDataset.le32(20))
                .put(0x0018601C, "UL", RawDataset.le32(235)).put(0x0018601E, "UL", RawDataset.le32(235)));
        byte[] original = instance("1.2.840.10008.5.1.4.1.1.6.1", "US", "NONAME ULTRASOUND", null, List.of(image), regions);
        assertThat(tesseract(original, 1)).contains("BAKER");
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /**
     * Ten thousand one-pixel ultrasound regions on a diagonal: subtracting them from the painted
     * image is cubic in their number (hours). More than a scanner draws is withheld at once.
     */
    @org.junit.jupiter.api.Timeout(60)
    @Test
    void tenThousandUltrasoundRegionsAreWithheldAtOnce() throws Exception {
        RawDataset[] items = new RawDataset[10_000];
        for (int i = 0; i < items.length; i++) {
            int at = i % 256;
            items[i] = new RawDataset().put(0x00186018, "UL", RawDataset.le32(at)).put(0x0018601A, "UL", RawDataset.le32(at))
                    .put(0x0018601C, "UL", RawDataset.le32(at)).put(0x0018601E, "UL", RawDataset.le32(at));
        }
        byte[] original = instance("1.2.840.10008.5.1.4.1.1.6.1", "US", "NONAME ULTRASOUND", null, List.of(ct(256, 7)),
                new RawDataset().sequence(0x00186011, "SQ", items));
        assertThat(teaching(original)).isInstanceOfSatisfying(Outcome.Withheld.class,
                w -> assertThat(w.reason()).contains("more than " + PixelCleaner.MAX_ULTRASOUND_REGIONS));
        assertThat(engine.list(new java.io.ByteArrayInputStream(original), Profiles.defaults().get("teaching").orElseThrow(), "teaching"))
                .as("a search's listing too").isInstanceOf(Outcome.Withheld.class);
    }

    /**
     * Rows written as text that is no number, and a region's corner likewise, beside the
     * ultrasound regions a rule keeps: withheld, where the parse once threw (a 500 for every
     * search that listed the study).
     */
    @Test
    void aHeaderNumberThatIsNoNumberWithholdsRatherThanFails() throws Exception {
        RawDataset regions = new RawDataset().sequence(0x00186011, "SQ", new RawDataset()
                .text(0x00186018, "LO", "x").put(0x0018601A, "UL", RawDataset.le32(20))
                .put(0x0018601C, "UL", RawDataset.le32(235)).put(0x0018601E, "UL", RawDataset.le32(235)));
        byte[] badRegion = instance("1.2.840.10008.5.1.4.1.1.6.1", "US", "NONAME ULTRASOUND", null, List.of(ct(256, 8)), regions);
        assertThat(teaching(badRegion)).isInstanceOf(Outcome.Withheld.class);
        Part10Editor e = Part10Editor.read(instance("1.2.840.10008.5.1.4.1.1.6.1", "US", "NONAME ULTRASOUND", null, List.of(ct(256, 8)),
                new RawDataset().sequence(0x00186011, "SQ", new RawDataset()
                        .put(0x00186018, "UL", RawDataset.le32(20)).put(0x0018601A, "UL", RawDataset.le32(20))
                        .put(0x0018601C, "UL", RawDataset.le32(235)).put(0x0018601E, "UL", RawDataset.le32(235)))));
        e.root().remove(Tag.Rows);
        e.root().put(Tag.Rows, org.veil.dicom.Vr.LO, "x");
        assertThat(engine.list(new java.io.ByteArrayInputStream(e.toBytes()), Profiles.defaults().get("teaching").orElseThrow(), "teaching"))
                .isInstanceOf(Outcome.Withheld.class);
    }

    /** Orientation letters, a window and a scale identify no one: the image is served, its annotation with it. */
    @Test
    void annotationThatIdentifiesNoOneIsServed() throws Exception {
        BufferedImage image = draw(ct(256, 4), 6, 6, 16, "R");
        draw(image, 240, 120, 16, "L");
        draw(image, 4, 190, 16, "W 400 L 40", "10 cm  120 kV");
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(image), null);
        assertThat(tesseract(original, 1)).contains("W", "CM");
        assertThat(teaching(original)).isInstanceOf(Outcome.Derived.class);
    }

    @Test
    void bitsAboveBitsStoredAreCleared() throws Exception {
        BufferedImage image = ct(64, 5);
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(image), null);
        // an overlay of the old kind in bit 15, drawing a bar, with no overlay group to say so
        Part10Editor e = Part10Editor.read(original);
        EditableDataset root = e.root();
        byte[] pixels = root.bytes(Tag.PixelData);
        for (int i = 64 * 10 * 2 + 1; i < 64 * 20 * 2; i += 2) {
            pixels[i] |= (byte) 0x80;
        }
        root.putBytes(Tag.PixelData, org.veil.dicom.Vr.OW, pixels);
        byte[] hidden = e.toBytes();
        Outcome outcome = teaching(hidden);
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        byte[] out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root().bytes(Tag.PixelData);
        for (int i = 1; i < 64 * 64 * 2; i += 2) {
            assertThat(out[i] & 0xF0).as("the high nibble of sample %d", i / 2).isZero();
        }
        assertThat(out.length).isEqualTo(64 * 64 * 2);
    }

    /**
     * Twelve bits stored in bits 4-15 (High Bit 15, PS3.5 8.1.1) and a bar drawn in bit 0, the
     * spare bits below them: cleaning reads the low twelve bits, so it would clear the image and
     * keep the bar. Withheld; the same pixels with the usual High Bit are cleaned and served.
     */
    @Test
    void storedBitsAboveSpareLowBitsAreWithheld() throws Exception {
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(ct(64, 6)), null);
        Part10Editor e = Part10Editor.read(original);
        EditableDataset root = e.root();
        byte[] pixels = root.bytes(Tag.PixelData);
        for (int i = 0; i < pixels.length; i += 2) {
            int v = ((pixels[i] & 0xFF) | (pixels[i + 1] & 0xFF) << 8) << 4;
            boolean bar = i / 2 / 64 >= 10 && i / 2 / 64 < 20;
            v |= bar ? 1 : 0;
            pixels[i] = (byte) v;
            pixels[i + 1] = (byte) (v >>> 8);
        }
        root.putBytes(Tag.PixelData, org.veil.dicom.Vr.OW, pixels);
        root.put(0x00280102, org.veil.dicom.Vr.US, "15");
        byte[] shifted = e.toBytes();
        int barBits = 0;
        byte[] stored = Part10Editor.read(shifted).root().bytes(Tag.PixelData);
        for (int i = 0; i < stored.length; i += 2) {
            barBits += stored[i] & 1;
        }
        assertThat(barBits).as("the bar is in the original's bit 0").isEqualTo(64 * 10);

        assertThat(teaching(shifted)).isInstanceOfSatisfying(Outcome.Withheld.class,
                w -> assertThat(w.reason()).contains("High Bit"));
        Part10Editor usual = Part10Editor.read(shifted);
        usual.root().put(0x00280102, org.veil.dicom.Vr.US, "11");
        assertThat(teaching(usual.toBytes())).isInstanceOf(Outcome.Derived.class);
        Part10Editor none = Part10Editor.read(shifted);
        none.root().remove(0x00280102);
        assertThat(teaching(none.toBytes())).isInstanceOf(Outcome.Withheld.class);
    }

    @Test
    void signedSamplesKeepTheirValueWhenTheirHighBitsAreCleared() throws Exception {
        RawDataset signed = AdversarialCorpus.ct(91).us(0x00280103, 1).us(0x00280010, 2).us(0x00280011, 2)
                .put(0x7FE00010, "OW", new byte[] {(byte) 0x18, (byte) 0xFC, (byte) 0xE8, (byte) 0x03, (byte) 0x18, (byte) 0xBC, 0, 0});
        // -1000, 1000, and -1000 with bit 14 cleared (0xBC18): a value that only its low 12 bits say
        Outcome outcome = teaching(signed.part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.91"));
        byte[] out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root().bytes(Tag.PixelData);
        assertThat(new short[] {le(out, 0), le(out, 2), le(out, 4), le(out, 6)}).containsExactly((short) -1000, (short) 1000, (short) -1000, (short) 0);
    }

    @Test
    void bytesPastTheLastFrameDoNotLeave() throws Exception {
        byte[] frame = new byte[16 * 16 * 2];
        byte[] hidden = AdversarialCorpus.concat(frame, "ZZLEAK42 BAKER JOHN ".getBytes(StandardCharsets.US_ASCII));
        byte[] original = AdversarialCorpus.ct(92).put(0x7FE00010, "OW", hidden).part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.92");
        assertThat(LeakCorpusTest.indexOf(original, "ZZLEAK42".getBytes(StandardCharsets.US_ASCII))).isPositive();
        Outcome outcome = teaching(original);
        // Served (a withheld instance would pass the check below without testing it): the
        // derivative holds the frame and nothing after it.
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        assertThat(LeakCorpusTest.indexOf(((Outcome.Derived) outcome).part10(), "ZZLEAK42".getBytes(StandardCharsets.US_ASCII))).isNegative();
    }

    /** A JPEG's comment segment holding the name: the derivative's pixels are decoded samples, so no segment is left. */
    @ParameterizedTest
    @ValueSource(strings = {"COM", "APP1"})
    void jpegSegmentsDoNotLeave(String segment) throws Exception {
        BufferedImage grey = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(grey, "jpeg", jpeg);
        byte[] plain = jpeg.toByteArray();
        byte[] text = "ZZLEAK40 BAKER^JOHN MRN48213377".getBytes(StandardCharsets.US_ASCII);
        byte[] marker = segment.equals("COM") ? new byte[] {(byte) 0xFF, (byte) 0xFE} : new byte[] {(byte) 0xFF, (byte) 0xE1};
        byte[] withSegment = AdversarialCorpus.concat(java.util.Arrays.copyOf(plain, 2), marker,
                new byte[] {(byte) ((text.length + 2) >>> 8), (byte) (text.length + 2)}, text, java.util.Arrays.copyOfRange(plain, 2, plain.length));
        Part10Editor e = Part10Editor.read(AdversarialCorpus.ct(93).us(0x00280010, 32).us(0x00280011, 32).us(0x00280100, 8)
                .us(0x00280101, 8).us(0x00280102, 7).part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.93"));
        byte[] asJpeg = e.encapsulatedFrames(new byte[][] {withSegment}).transferSyntax("1.2.840.10008.1.2.4.50").toBytes();
        assertThat(LeakCorpusTest.indexOf(asJpeg, "ZZLEAK40".getBytes(StandardCharsets.US_ASCII))).isPositive();
        Outcome outcome = teaching(asJpeg);
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        assertThat(LeakCorpusTest.indexOf(((Outcome.Derived) outcome).part10(), "ZZLEAK40".getBytes(StandardCharsets.US_ASCII))).isNegative();
    }

    /**
     * White text on bone: a soft-tissue window (40/400) shows the plate and the text both as white,
     * so the window's rendering alone holds no text; a reader who widens the window reads the name.
     */
    @Test
    void textTheWindowShowsWhiteOnWhiteIsWithheld() throws Exception {
        BufferedImage image = ct(256, 7);
        for (int y = 8; y < 48; y++) {
            for (int x = 8; x < 248; x++) {
                image.getRaster().setSample(x, y, 0, 3000);
            }
        }
        draw(image, 12, 8, 16, NAME);
        RawDataset softTissue = new RawDataset().text(0x00281050, "DS", "40").text(0x00281051, "DS", "400");
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(image), softTissue);
        assertThat(tesseract(original, 1, "+Ww", "3500", "1000")).as("read by a reader who sets a bone window").contains("BAKER");
        assertThat(tesseract(original, 1)).as("not read in the file's own window").doesNotContain("BAKER");
        PixelFrames frames = Part10Editor.readDecoded(original).pixels(1L << 30);
        assertThat(TextLineFinder.find(frames.luminance(0, frames.window()), 256, 256))
                .as("no line in the window's own rendering: what the check saw before").isEmpty();
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /** Red text on a grey of the same luminance: no line in luminance, a name in the red channel. */
    @Test
    void colouredTextOfTheBackgroundsLuminanceIsWithheld() throws Exception {
        int size = 256;
        BufferedImage rgb = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.setColor(new Color(76, 76, 76));
        g.fillRect(0, 0, size, size);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
        g.setColor(new Color(255, 0, 0));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(NAME, 6, 26);
        g.dispose();
        byte[] pixels = new byte[size * size * 3];
        BufferedImage redChannel = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int c = rgb.getRGB(x, y);
                int i = 3 * (y * size + x);
                pixels[i] = (byte) (c >>> 16);
                pixels[i + 1] = (byte) (c >>> 8);
                pixels[i + 2] = (byte) c;
                redChannel.getRaster().setSample(x, y, 0, 255 - ((c >>> 16) & 0xFF));
            }
        }
        byte[] original = colour(94, "RGB", size, pixels);
        assertThat(tesseract(redChannel)).as("the red channel, read by Debian's tesseract").contains("BAKER");
        PixelFrames frames = Part10Editor.readDecoded(original).pixels(1L << 30);
        assertThat(TextLineFinder.find(frames.luminance(0, frames.window()), size, size))
                .as("no line in luminance: what the check saw before").isEmpty();
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /** A square 8-bit colour instance of these interleaved samples, with no window. */
    private static byte[] colour(int n, String photometric, int size, byte[] pixels) {
        return AdversarialCorpus.ct(n).us(0x00280002, 3).text(0x00280004, "CS", photometric).us(0x00280006, 0)
                .us(0x00280010, size).us(0x00280011, size).us(0x00280100, 8).us(0x00280101, 8).us(0x00280102, 7)
                .remove(0x00281050).remove(0x00281051)
                .put(0x7FE00010, "OB", pixels).part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3." + n);
    }

    /**
     * A name drawn in chroma alone (Y flat, Cb 35 below and Cr 35 above the background): under the
     * edge the check looks for in each of Y, Cb and Cr, and 49 levels of red and 62 of blue on the
     * screen of any viewer, which shows RGB. The check looks at the RGB a viewer computes.
     */
    @Test
    void textInTheChromaOfYbrIsWithheld() throws Exception {
        int size = 256;
        BufferedImage mask = draw(new BufferedImage(size, size, BufferedImage.TYPE_USHORT_GRAY), 6, 6, 16, NAME);
        byte[] pixels = new byte[size * size * 3];
        BufferedImage red = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean text = mask.getRaster().getSample(x, y, 0) > 0;
                int i = 3 * (y * size + x);
                pixels[i] = (byte) 128;
                pixels[i + 1] = (byte) (text ? 128 - 35 : 128);
                pixels[i + 2] = (byte) (text ? 128 + 35 : 128);
                red.getRaster().setSample(x, y, 0, 255 - (text ? (int) Math.round(128 + 1.402 * 35) : 128));
            }
        }
        byte[] original = colour(97, "YBR_FULL", size, pixels);
        assertThat(tesseract(red)).as("the red a viewer shows, read by Debian's tesseract").contains("BAKER");
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /**
     * 32 bits allocated: cornerstone reads every such frame as IEEE floats. A name at the float
     * 4.0 on 2.0 (integers 0x40800000 on 0x40000000), beside values at 0 and 0x7F000000, under a
     * window of 3 wide 4: one grey level apart as integers, black on white as floats.
     */
    @Test
    void textInThe32BitFloatsAViewerReadsIsWithheld() throws Exception {
        int size = 256;
        BufferedImage mask = draw(new BufferedImage(size, size, BufferedImage.TYPE_USHORT_GRAY), 6, 6, 16, NAME);
        java.nio.ByteBuffer pixels = java.nio.ByteBuffer.allocate(size * size * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        BufferedImage asFloats = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean text = mask.getRaster().getSample(x, y, 0) > 0;
                int v = y >= size - 4 ? (x % 2 == 0 ? 0 : 0x7F000000) : text ? 0x40800000 : 0x40000000;
                pixels.putInt(v);
                asFloats.getRaster().setSample(x, y, 0, text ? 0 : 255);
            }
        }
        byte[] original = AdversarialCorpus.ct(98).us(0x00280010, size).us(0x00280011, size).us(0x00280100, 32).us(0x00280101, 32)
                .us(0x00280102, 31).us(0x00280103, 0).text(0x00281050, "DS", "3").text(0x00281051, "DS", "4")
                .put(0x7FE00010, "OB", pixels.array()).part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.98");
        assertThat(tesseract(asFloats)).as("the frame as floats through the window, read by Debian's tesseract").contains("BAKER");
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /** Anatomy running off the frame's edges is no text: the shapes the edge cuts are judged, not taken for glyphs. */
    @Test
    void anatomyRunningOffTheFramesEdgesIsServed() throws Exception {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_USHORT_GRAY);
        Random r = new Random(25);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                double dx = x - 128;
                double dy = y - 250;
                // a body cut by the bottom edge and both sides, its texture reaching every edge
                int v = dx * dx / 2 + dy * dy < 150 * 150 ? 1000 + (int) (r.nextGaussian() * 40) : 0;
                image.getRaster().setSample(x, y, 0, Math.max(0, v));
            }
        }
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(image), null);
        assertThat(veilSees(original)).isEmpty();
        assertThat(teaching(original)).isInstanceOf(Outcome.Derived.class);
    }

    /** A repeated Planar Configuration: a viewer may read either value, and the check read only the first. */
    @Test
    void aPlanarConfigurationGivenTwiceIsWithheld() throws Exception {
        byte[] original = AdversarialCorpus.ct(99).us(0x00280002, 3).text(0x00280004, "CS", "RGB").us(0x00280006, 0, 1)
                .us(0x00280010, 16).us(0x00280011, 16).us(0x00280100, 8).us(0x00280101, 8).us(0x00280102, 7)
                .put(0x7FE00010, "OB", new byte[16 * 16 * 3]).part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.99");
        Outcome outcome = teaching(original);
        assertThat(outcome).isInstanceOf(Outcome.Withheld.class);
        assertThat(((Outcome.Withheld) outcome).reason()).contains("pixel description");
    }

    /** A name whose baseline is the frame's last row: no neighbouring piece judged it before. */
    @Test
    void textTouchingTheFramesEdgeIsWithheld() throws Exception {
        BufferedImage image = ct(256, 24);
        java.awt.image.WritableRaster raster = image.getRaster();
        BufferedImage mask = draw(new BufferedImage(256, 256, BufferedImage.TYPE_USHORT_GRAY), 6, 0, 16, NAME);
        // the mask's glyphs moved down until the baseline of BAKER (no descender) is the frame's last row
        int lowest = 0;
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 60; x++) {
                if (mask.getRaster().getSample(x, y, 0) > 0) {
                    lowest = y;
                }
            }
        }
        int shift = 255 - lowest;
        for (int y = 0; y + shift < 256; y++) {
            for (int x = 0; x < 256; x++) {
                if (mask.getRaster().getSample(x, y, 0) > 0) {
                    raster.setSample(x, y + shift, 0, 4095);
                }
            }
        }
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(image), null);
        assertThat(tesseract(original, 1, "+Ww", "2048", "4096")).as("the text is in the pixels").contains("BAKER");
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /**
     * The name one stored value off its background (2001 on 2000), with one pixel at 0 and one at
     * 4095 so that the frame's range is the whole 12 bits: in that range the text is invisible,
     * through a transform a viewer applies it is black on white.
     */
    static BufferedImage faint(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage mask = draw(new BufferedImage(size, size, BufferedImage.TYPE_USHORT_GRAY), 6, 6, 16, NAME);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.getRaster().setSample(x, y, 0, mask.getRaster().getSample(x, y, 0) > 0 ? 2001 : 2000);
            }
        }
        img.getRaster().setSample(0, size - 1, 0, 0);
        img.getRaster().setSample(1, size - 1, 0, 4095);
        return img;
    }

    /**
     * The faint name with its two outlying pixels and no window a viewer would narrow: in the
     * frame's whole range it is invisible, and so it is in a soft-tissue window that clips it to
     * white; most of the frame lies within a sliver of the range, which is looked at stretched.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "40/400"})
    void faintTextBesideOutlyingPixelsIsWithheld(String window) throws Exception {
        RawDataset header = window.isEmpty() ? new RawDataset()
                : new RawDataset().text(0x00281050, "DS", window.split("/")[0]).text(0x00281051, "DS", window.split("/")[1]);
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(faint(256)), header);
        assertThat(tesseract(original, 1, "+Ww", "2000.5", "2")).as("a reader who narrows the window reads it").contains("BAKER");
        PixelFrames frames = Part10Editor.readDecoded(original).pixels(1L << 30);
        assertThat(TextLineFinder.find(frames.luminance(0, frames.window()), 256, 256))
                .as("no line in the header's rendering: what the check saw before").isEmpty();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /**
     * The faint name in signed samples of 12 and of 16 stored bits (PS3.3 C.7.6.3.1.1), on a
     * background of -1000 with the outlying pixels at the ends of the stored range: the check's
     * tables are indexed by the sign-extended value, so negative values must land where they are.
     * A Rescale Intercept of 2000 brings them to 1000 and 1001 for dcm2pnm, which takes a negative
     * window centre for an option.
     */
    @ParameterizedTest
    @ValueSource(ints = {12, 16})
    void faintTextInSignedSamplesIsWithheld(int bitsStored) throws Exception {
        int mask = (1 << bitsStored) - 1;
        BufferedImage faint = faint(256);
        BufferedImage signed = new BufferedImage(256, 256, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                int v = faint.getRaster().getSample(x, y, 0) == 2001 ? -999 : -1000;
                signed.getRaster().setSample(x, y, 0, v & mask);
            }
        }
        signed.getRaster().setSample(0, 255, 0, (-(1 << (bitsStored - 1))) & mask);
        signed.getRaster().setSample(1, 255, 0, (1 << (bitsStored - 1)) - 1);
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(signed),
                new RawDataset().us(0x00280101, bitsStored).us(0x00280102, bitsStored - 1).us(0x00280103, 1)
                        .text(0x00281052, "DS", "2000").text(0x00281053, "DS", "1"));
        assertThat(tesseract(original, 1, "+Ww", "1000.5", "2")).as("a reader who narrows the window reads it").contains("BAKER");
        assertThat(veilSees(original)).isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /** A Rescale Slope of NaN makes every value NaN to the check; the derivative empties it, and a viewer takes 1. */
    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "1.0d"})
    void aRescaleNoViewerReadsDoesNotBlindTheCheck(String slope) throws Exception {
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(draw(ct(256, 11), 6, 6, 16, NAME)),
                new RawDataset().text(0x00281053, "DS", slope));
        assertThat(tesseract(original, 1, "+Ww", "2048", "4096")).contains("BAKER");
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /** A window a hundred million wide makes 0 and 4095 the same grey: the frame's own range is looked at too. */
    @Test
    void aWindowFarWiderThanTheValuesIsNotAllTheCheckSees() throws Exception {
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(draw(ct(256, 12), 6, 6, 16, NAME)),
                new RawDataset().text(0x00281050, "DS", "0").text(0x00281051, "DS", "100000000"));
        assertThat(tesseract(original, 1, "+Ww", "2048", "4096")).contains("BAKER");
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /**
     * Text drawn in the Pixel Padding Value: a viewer honouring padding draws it black, OHIF draws
     * it as any value (white here). The check drew padding black and passed this; the derivative
     * now keeps no padding, so every viewer draws the text white, and the check looks as they do.
     */
    @Test
    void textDrawnInThePaddingValueIsWithheld() throws Exception {
        BufferedImage image = draw(ct(256, 21), 6, 6, 16, NAME);
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(image),
                new RawDataset().us(0x00280120, 4095).text(0x00281050, "DS", "2048").text(0x00281051, "DS", "4096"));
        assertThat(tesseract(original, 1, "+Ww", "2048", "4096")).as("the text is in the pixels").contains("BAKER");
        assertThat(veilSees(original)).as("the check finds it in the original").isPresent();
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /**
     * 16 stored bits, a name at 0x8000 on 0x7FFF: read unsigned the two are one level apart of
     * 65,536, read signed they are black and white. The check read any Pixel Representation but 1
     * as unsigned and the derivative kept it, while cornerstone reads any value but 0 as signed:
     * such an image is withheld. Signed, as a viewer of it is told, the check sees the name.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2", "0\\1", "absent", "empty"})
    void aPixelRepresentationViewersReadTheirOwnWayIsWithheld(String representation) throws Exception {
        assertThat(tesseract(halves(null), 1, "+Wm", "+C", "0", "128", "256", "128")).as("the name, read signed").contains("BAKER");
        assertThat(teaching(halves("1"))).as("told signed, the check sees it").isInstanceOf(Outcome.Withheld.class);
        Outcome outcome = teaching(halves(representation));
        assertThat(outcome).isInstanceOf(Outcome.Withheld.class);
        assertThat(((Outcome.Withheld) outcome).reason()).contains("Pixel Representation");
    }

    /** Noise above, a name at 0x8000 on 0x7FFF below; 16 bits stored, no window; Pixel Representation as given (null: 1). */
    private static byte[] halves(String representation) {
        BufferedImage mask = draw(new BufferedImage(256, 256, BufferedImage.TYPE_USHORT_GRAY), 6, 150, 16, NAME);
        Random r = new Random(23);
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                int v = y < 128 ? r.nextInt(65536) : mask.getRaster().getSample(x, y, 0) > 0 ? 0x8000 : 0x7FFF;
                pixels.write(v);
                pixels.write(v >>> 8);
            }
        }
        RawDataset d = AdversarialCorpus.ct(91).text(0x00080016, "UI", AdversarialCorpus.CT).text(0x00080060, "CS", "CT")
                .text(0x00080070, "LO", "NONAME IMAGING").us(0x00280010, 256).us(0x00280011, 256)
                .us(0x00280101, 16).us(0x00280102, 15).remove(0x00281050).remove(0x00281051)
                .put(0x7FE00010, "OW", pixels.toByteArray());
        if (representation == null) {
            d.us(0x00280103, 1);
        } else if (representation.equals("absent")) {
            d.remove(0x00280103);
        } else if (representation.equals("empty")) {
            d.put(0x00280103, "US", new byte[0]);
        } else {
            d.us(0x00280103, java.util.Arrays.stream(representation.split("\\\\")).mapToInt(Integer::parseInt).toArray());
        }
        return d.part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.91");
    }

    /**
     * The derivative keeps neither padding nor the pixel value range, which a viewer may take for a
     * window of two values, nor a VOI LUT Function (SIGMOID), which the check's linear window is not.
     */
    @Test
    void aDerivativeKeepsNoPaddingNorPixelValueRange() throws Exception {
        int[] hints = {0x00280106, 0x00280107, 0x00280108, 0x00280109, 0x00280120, 0x00280121, 0x00281056};
        RawDataset extra = new RawDataset();
        for (int tag : hints) {
            if (tag == 0x00281056) {
                extra.text(tag, "CS", "SIGMOID"); // VOI LUT Function: the check draws the window linear
            } else {
                extra.us(tag, tag == 0x00280120 ? 0 : 1000);
            }
        }
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(ct(256, 22)), extra);
        Part10Editor before = Part10Editor.read(original);
        for (int tag : hints) {
            assertThat(before.root().contains(tag)).as("the original has %08X", tag).isTrue();
        }
        Outcome outcome = teaching(original);
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        Part10Editor after = Part10Editor.read(((Outcome.Derived) outcome).part10());
        for (int tag : hints) {
            assertThat(after.root().contains(tag)).as("the derivative has %08X", tag).isFalse();
        }
    }

    /** Text one value above a background the original called padding: the frame's central values show it. */
    @Test
    void textOnAPaddingBackgroundIsWithheld() throws Exception {
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(faint(256)),
                new RawDataset().us(0x00280120, 2000));
        assertThat(tesseract(original, 1, "+Ww", "2000.5", "2")).as("the text is in the pixels").contains("BAKER");
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
    }

    /** An enhanced image's functional groups give the frame its window: the check looks through it. */
    @Test
    void aFunctionalGroupsWindowIsTheOneLookedThrough() throws Exception {
        RawDataset shared = new RawDataset().sequence(0x52009229, "SQ", new RawDataset().sequence(0x00289132, "SQ",
                new RawDataset().text(0x00281050, "DS", "2000.5").text(0x00281051, "DS", "2")));
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(faint(256)), shared);
        assertThat(tesseract(original, 1, "+Ww", "2000.5", "2")).contains("BAKER");
        assertThat(teaching(original)).isInstanceOf(Outcome.Withheld.class);
        // the same image with the window at the top level is withheld too (it always was)
        byte[] top = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(faint(256)),
                new RawDataset().text(0x00281050, "DS", "2000.5").text(0x00281051, "DS", "2"));
        assertThat(teaching(top)).isInstanceOf(Outcome.Withheld.class);
    }

    /**
     * Lookup tables the check does not apply leave with no derivative: a VOI LUT or Modality LUT
     * Sequence (one mapping 2000 and 2001 to black and white would show the faint name, which the
     * check now finds in the frame's central values and withholds), and a palette on a grey image,
     * are removed, so a viewer shows the stored values the check looked at; a palette colour image
     * whose palette is only segmented is withheld.
     */
    @Test
    void lookupTablesTheCheckDoesNotApplyDoNotLeave() throws Exception {
        byte[] lut = new byte[4];
        lut[2] = (byte) 0xFF;
        lut[3] = (byte) 0x0F;
        RawDataset tables = new RawDataset()
                .sequence(0x00283000, "SQ", new RawDataset().us(0x00283002, 2, 2000, 12).put(0x00283006, "OW", lut))
                .sequence(0x00283010, "SQ", new RawDataset().us(0x00283002, 2, 2000, 12).put(0x00283006, "OW", lut))
                .us(0x00281101, 2, 2000, 16).us(0x00281102, 2, 2000, 16).us(0x00281103, 2, 2000, 16)
                .put(0x00281201, "OW", new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF})
                .put(0x00281202, "OW", new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF})
                .put(0x00281203, "OW", new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF});
        assertThat(teaching(instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(faint(256)), tables)))
                .isInstanceOf(Outcome.Withheld.class);
        byte[] original = instance(AdversarialCorpus.CT, "CT", "NONAME IMAGING", null, List.of(ct(256, 13)), tables);
        Outcome outcome = teaching(original);
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        EditableDataset out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
        for (int tag : new int[] {0x00283000, 0x00283010, 0x00281101, 0x00281201, 0x00281203}) {
            assertThat(out.contains(tag)).as(Tag.toHex(tag)).isFalse();
        }
        byte[] segmented = AdversarialCorpus.ct(95).text(0x00280004, "CS", "PALETTE COLOR").us(0x00280100, 8).us(0x00280101, 8)
                .us(0x00280102, 7).us(0x00281101, 256, 0, 8).us(0x00281102, 256, 0, 8).us(0x00281103, 256, 0, 8)
                .put(0x00281221, "OW", new byte[] {0, 0, 2, 0, 0, 0, (byte) 0xFF, 0})
                .put(0x00281222, "OW", new byte[] {0, 0, 2, 0, 0, 0, (byte) 0xFF, 0})
                .put(0x00281223, "OW", new byte[] {0, 0, 2, 0, 0, 0, (byte) 0xFF, 0})
                .put(0x7FE00010, "OB", new byte[16 * 16]).part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.95");
        assertThat(teaching(segmented)).isInstanceOfSatisfying(Outcome.Withheld.class,
                w -> assertThat(w.reason()).contains("palette"));
    }

    /** Debian's tesseract on an image, twice the size. */
    private static String tesseract(BufferedImage image) throws Exception {
        BufferedImage big = new BufferedImage(image.getWidth() * 2, image.getHeight() * 2, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = big.createGraphics();
        g.drawImage(image, 0, 0, big.getWidth(), big.getHeight(), null);
        g.dispose();
        Path png = Files.createTempFile(dir, "channel", ".png");
        ImageIO.write(big, "png", png.toFile());
        Process ocr = new ProcessBuilder("tesseract", png.toString(), "stdout", "--psm", "6").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(ocr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // An OCR that failed reads nothing, which would pass every "no name" check.
        assertThat(ocr.waitFor()).as("tesseract's exit").isZero();
        return text.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    private static short le(byte[] b, int i) {
        return (short) ((b[i] & 0xFF) | (b[i + 1] << 8));
    }
}
