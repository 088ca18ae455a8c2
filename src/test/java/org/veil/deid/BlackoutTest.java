package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.TestData;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * Pixel cleaning across encodings: with a rule painting one rectangle, every frame of the
 * derivative is Explicit VR Little Endian, constant inside the rectangle and identical to the
 * decoded original everywhere else. Encodings Veil cannot decode are withheld.
 */
class BlackoutTest {
    private static final int X = 2;
    private static final int Y = 3;
    private static final int W = 10;
    private static final int H = 7;

    private final Deidentifier engine;

    BlackoutTest() throws Exception {
        BurnedInRules rules = BurnedInRules.parse(new StringReader("""
                rule every image, for the test
                  when Rows present
                  black %d,%d,%d,%d
                """.formatted(X, Y, W, H)), "test-rules");
        engine = new Deidentifier(ActionTable.standard(), new Keys(DeidentifierTest.SECRET), DescriptorCleaner.standard(),
                new PixelCleaner(rules), BurnedInTextCheck.off(), Deidentifier.DEFAULT_MAX_DECODED_BYTES);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "pydicom/MR_small.dcm", "pydicom/MR_small_bigendian.dcm", "pydicom/MR_small_implicit.dcm", "pydicom/image_dfl.dcm",
            "pydicom/MR_small_RLE.dcm", "pydicom/MR_small_jp2klossless.dcm", "pydicom/JPEG2000.dcm", "pydicom/SC_rgb_gdcm_KY.dcm",
            "pydicom/examples_jpeg2k.dcm", "pydicom/SC_rgb_jpeg_gdcm.dcm", "pydicom/SC_rgb_jpeg_dcmtk.dcm",
            "pydicom/examples_ybr_color.dcm", "pydicom/SC_rgb_rle_2frame.dcm",
            "pydicom/examples_palette.dcm", "pydicom/examples_rgb_color.dcm",
            "real/US-PAL-8-10x-echo.dcm", "real/CT-MONO2-16-ankle.dcm",
            "pydicom/MR_small_jpeg_ls_lossless.dcm", "pydicom/SC_rgb_jls_lossy_line.dcm", "pydicom/JPEGLSNearLossless_08.dcm",
            "pydicom/JPEGLSNearLossless_16.dcm", "pydicom/SC_rgb_rle_16bit_2frame.dcm", "pydicom/SC_rgb_rle_32bit_2frame.dcm",
            "pydicom/rtdose_rle.dcm",
    })
    void everyFrameIsBlackInsideAndUnchangedOutside(String sample) throws Exception {
        byte[] original = TestData.bytes(sample);
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get("teaching").orElseThrow(), "teaching");
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        Part10Editor out = Part10Editor.read(((Outcome.Derived) outcome).part10());
        assertThat(out.transferSyntax()).isEqualTo("1.2.840.10008.1.2.1");
        EditableDataset cleaned = out.root();
        EditableDataset decoded = Part10Editor.readDecoded(original).root();
        assertThat(cleaned.string(0x00280301)).contains("NO");
        assertThat(cleaned.string(0x00280004)).isEqualTo(decoded.string(0x00280004));

        int rows = Integer.parseInt(decoded.string(Tag.Rows).orElseThrow());
        int columns = Integer.parseInt(decoded.string(Tag.Columns).orElseThrow());
        int samples = Integer.parseInt(decoded.string(0x00280002).orElse("1"));
        int bytes = Integer.parseInt(decoded.string(0x00280100).orElseThrow()) / 8;
        boolean planar = decoded.string(0x00280006).map(p -> p.trim().equals("1")).orElse(false);
        int frames = decoded.string(Tag.NumberOfFrames).map(f -> Integer.parseInt(f.trim())).orElse(1);
        byte[] before = decoded.bytes(0x7FE00010);
        byte[] after = cleaned.bytes(0x7FE00010);
        int frameBytes = rows * columns * samples * bytes;
        assertThat(after.length).isGreaterThanOrEqualTo(frameBytes * frames);
        byte[] black = null;
        int changedOutside = 0;
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < columns; x++) {
                    boolean inside = x >= X && x < X + W && y >= Y && y < Y + H;
                    byte[] a = pixel(before, f * frameBytes, x, y, rows, columns, samples, bytes, planar);
                    byte[] b = pixel(after, f * frameBytes, x, y, rows, columns, samples, bytes, planar);
                    if (inside) {
                        if (black == null) {
                            black = b;
                        }
                        assertThat(b).as("frame %d (%d,%d) is the black value", f, x, y).isEqualTo(black);
                    } else if (!Arrays.equals(a, b)) {
                        changedOutside++;
                    }
                }
            }
        }
        assertThat(changedOutside).as("pixels changed outside the rectangle").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"pydicom/JPGExtended.dcm, 1.2.840.10008.1.2.4.51", "pydicom/JPEG-lossy.dcm, 1.2.840.10008.1.2.4.51"})
    void encodingsVeilCannotDecodeAreWithheld(String sample, String transferSyntax) throws Exception {
        Outcome outcome = engine.deidentify(TestData.bytes(sample), Profiles.defaults().get("teaching").orElseThrow(), "teaching");
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Withheld.class,
                w -> assertThat(w.reason()).contains("cannot be decoded").contains(transferSyntax));
    }

    /**
     * Colour decoded from YBR JPEG is RGB and named so (dcmtk has no JPEG 2000 decoder to compare with): the samples
     * match dcmtk's own rendering of the original (dcmj2pnm), within the rounding of two decoders.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"pydicom/SC_rgb_jpeg_dcmtk.dcm", "pydicom/SC_rgb_dcmtk_+eb+cy+np.dcm", "pydicom/SC_rgb_dcmtk_+eb+cy+s2.dcm"})
    void decodedColourIsRgbAsDcmtkSeesIt(String sample) throws Exception {
        Outcome outcome = engine.deidentify(TestData.bytes(sample), Profiles.defaults().get("teaching").orElseThrow(), "teaching");
        EditableDataset cleaned = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
        assertThat(cleaned.string(0x00280004)).contains("RGB");
        int rows = Integer.parseInt(cleaned.string(Tag.Rows).orElseThrow());
        int columns = Integer.parseInt(cleaned.string(Tag.Columns).orElseThrow());
        boolean planar = cleaned.string(0x00280006).map(p -> p.trim().equals("1")).orElse(false);
        byte[] ours = cleaned.bytes(0x7FE00010);
        java.nio.file.Path ppm = java.nio.file.Files.createTempFile("veil-colour", ".ppm");
        try {
            Process p = new ProcessBuilder("dcmj2pnm", "+op", TestData.file(sample).toString(), ppm.toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            byte[] file = java.nio.file.Files.readAllBytes(ppm);
            int header = 0;
            for (int newlines = 0; newlines < 3; header++) {
                if (file[header] == '\n') {
                    newlines++;
                }
            }
            int coloured = 0;
            for (int y = Y + H + 1; y < rows; y += 5) {
                for (int x = 0; x < columns; x += 5) {
                    byte[] mine = pixel(ours, 0, x, y, rows, columns, 3, 1, planar);
                    for (int c = 0; c < 3; c++) {
                        int theirs = file[header + (y * columns + x) * 3 + c] & 0xFF;
                        assertThat(Math.abs((mine[c] & 0xFF) - theirs)).as("(%d,%d) sample %d", x, y, c).isLessThanOrEqualTo(6);
                    }
                    if (Math.abs((mine[0] & 0xFF) - (mine[2] & 0xFF)) > 20) {
                        coloured++;
                    }
                }
            }
            assertThat(coloured).as("pixels that are not grey, so that the colour space is really tested").isPositive();
        } finally {
            java.nio.file.Files.deleteIfExists(ppm);
        }
    }

    /** Native YBR_FULL_422 is written as YBR_FULL: two luminance samples per chroma pair become full pixels. */
    @org.junit.jupiter.api.Test
    void subsampledColourIsWrittenAtFullResolution() throws Exception {
        Outcome outcome = engine.deidentify(TestData.bytes("pydicom/SC_ybr_full_422_uncompressed.dcm"),
                Profiles.defaults().get("teaching").orElseThrow(), "teaching");
        EditableDataset cleaned = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
        int rows = Integer.parseInt(cleaned.string(Tag.Rows).orElseThrow());
        int columns = Integer.parseInt(cleaned.string(Tag.Columns).orElseThrow());
        assertThat(cleaned.string(0x00280004)).contains("YBR_FULL");
        byte[] after = cleaned.bytes(0x7FE00010);
        assertThat(after.length).isGreaterThanOrEqualTo(rows * columns * 3);
        byte[] black = pixel(after, 0, X, Y, rows, columns, 3, 1, false);
        for (int y = Y; y < Y + H; y++) {
            for (int x = X; x < X + W; x++) {
                assertThat(pixel(after, 0, x, y, rows, columns, 3, 1, false)).isEqualTo(black);
            }
        }
    }

    /** An RLE frame whose segment ends before its image does cannot be decoded: withheld, never served as it was. */
    @org.junit.jupiter.api.Test
    void aDecoderFailureIsWithheld() throws Exception {
        Part10Editor rle = Part10Editor.read(TestData.bytes("pydicom/MR_small_RLE.dcm"));
        byte[] frame = new byte[64 + 40];
        frame[0] = 2; // two segments (16-bit), the second one empty
        frame[4] = 64;
        frame[8] = (byte) (64 + 20);
        for (int i = 64; i < frame.length; i += 2) {
            frame[i] = 3; // literal runs of four bytes: far fewer than 64 x 64 pixels
        }
        byte[] broken = rle.encapsulatedFrames(new byte[][] {frame}).toBytes();
        Outcome outcome = engine.deidentify(broken, Profiles.defaults().get("teaching").orElseThrow(), "teaching");
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Withheld.class, w -> assertThat(w.reason()).contains("RLE"));
    }

    private static byte[] pixel(byte[] data, int frameOffset, int x, int y, int rows, int columns, int samples, int bytes, boolean planar) {
        byte[] out = new byte[samples * bytes];
        for (int s = 0; s < samples; s++) {
            int index = planar ? s * rows * columns + y * columns + x : (y * columns + x) * samples + s;
            System.arraycopy(data, frameOffset + index * bytes, out, s * bytes, bytes);
        }
        return out;
    }
}
