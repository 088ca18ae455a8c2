package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veil.TestData;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicom.Vr;

/**
 * Burned-in text read back by OCR (Debian's tesseract, on images rendered by dcmtk's dcm2pnm,
 * neither of them Veil's code): the text in the masked regions is read from the originals and
 * none of it from the cleaned derivatives, while text outside the masks is still there.
 */
class BurnedInTextOcrTest {
    @TempDir
    static Path dir;
    private static final List<String> PLANTED = List.of("HARGREAVE", "QUENTIN", "MRN 4821937", "DOB 1961");


    @Test
    void realCtSecondaryCaptureLosesItsPatientLines() throws Exception {
        Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));
        Path original = TestData.file("real/CT-MONO2-16-ankle.dcm");
        String before = ocr(original, 1, "+Ww", "1024", "4095");
        assertThat(before).contains("JFK", "IMAGING", "1993", "151832");
        Path cleaned = derive(engine, Files.readAllBytes(original), "teaching", "ct.dcm");
        String after = ocr(cleaned, 1, "+Ww", "1024", "4095");
        for (String gone : List.of("JFK", "IMAGING", "CENTER", "1993", "151832", "APR", "EX:")) {
            assertThat(after).as("OCR of the cleaned CT").doesNotContain(gone);
        }
        assertThat(after).as("text outside the mask").contains("BONE", "TILT");
    }

    @Test
    void realUltrasoundLosesItsTextOnEveryFrame() throws Exception {
        Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));
        Path original = TestData.file("real/US-PAL-8-10x-echo.dcm");
        assertThat(ocr(original, 1)).contains("JAN", "GAIN", "PROC");
        Path cleaned = derive(engine, Files.readAllBytes(original), "consultation", "us.dcm");
        for (int frame : new int[] {1, 5, 10}) {
            String after = ocr(cleaned, frame);
            for (String gone : List.of("JAN", "GAIN", "PROC", "XMIT", "COMP", "MHZ")) {
                assertThat(after).as("OCR of cleaned frame " + frame).doesNotContain(gone);
            }
        }
    }

    @Test
    void plantedTextInUltrasoundLikeImagesIsGoneAndTheMeasurementStays() throws Exception {
        BurnedInRules rules = BurnedInRules.parse(new StringReader("""
                rule Veil OCR test scanner
                  when Manufacturer equals VEIL OCR TEST
                  black 0,0,400,150
                """), "test-rules").plus(PixelCleaner.standardRules());
        Deidentifier engine = new Deidentifier(ActionTable.standard(), new Keys(DeidentifierTest.SECRET),
                DescriptorCleaner.standard(), new PixelCleaner(rules), BurnedInTextCheck.standard(), Deidentifier.DEFAULT_MAX_DECODED_BYTES);
        byte[] synthetic = ultrasoundLike();
        Path original = dir.resolve("synthetic.dcm");
        Files.write(original, synthetic);
        for (int frame : new int[] {1, 2}) {
            String before = ocr(original, frame);
            assertThat(before).as("OCR of the original, frame " + frame).contains(PLANTED.toArray(String[]::new)).contains("55 PCT");
        }
        Path cleaned = derive(engine, synthetic, "teaching", "synthetic-clean.dcm");
        for (int frame : new int[] {1, 2}) {
            String after = ocr(cleaned, frame);
            for (String planted : PLANTED) {
                assertThat(after).as("OCR of cleaned frame " + frame).doesNotContain(planted);
            }
            assertThat(after).as("the measurement outside the mask").contains("55 PCT");
        }
    }

    /** Two 8-bit frames of speckle in a fan, identity text top left, a measurement bottom right. */
    private static byte[] ultrasoundLike() throws Exception {
        int columns = 640;
        int rows = 480;
        byte[] pixels = new byte[columns * rows * 2];
        Random random = new Random(7);
        for (int f = 0; f < 2; f++) {
            BufferedImage img = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, columns, rows);
            for (int i = 0; i < 40000; i++) {
                double a = Math.toRadians(60 + random.nextDouble() * 60);
                double r = 60 + random.nextDouble() * 340;
                int v = 40 + random.nextInt(120);
                img.getRaster().setSample((int) (320 + r * Math.cos(a)), (int) (40 + r * Math.sin(a)) % rows, 0, v);
            }
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 26));
            g.drawString("HARGREAVE^QUENTIN", 12, 36);
            g.drawString("MRN 4821937", 12, 76);
            g.drawString("DOB 1961-05-17", 12, 116);
            g.drawString("EF 55 PCT", 440, 472);
            g.dispose();
            img.getRaster().getDataElements(0, 0, columns, rows, null);
            byte[] frame = (byte[]) img.getRaster().getDataElements(0, 0, columns, rows, null);
            System.arraycopy(frame, 0, pixels, f * columns * rows, frame.length);
        }
        Part10Editor e = Part10Editor.read(TestData.file("pydicom/MR_small.dcm"));
        EditableDataset root = e.root();
        root.put(Tag.SOPClassUID, Vr.UI, "1.2.840.10008.5.1.4.1.1.3.1");
        root.put(0x00020002, Vr.UI, "1.2.840.10008.5.1.4.1.1.3.1");
        root.put(0x00080060, Vr.CS, "US");
        root.put(0x00080070, Vr.LO, "VEIL OCR TEST");
        root.put(Tag.Rows, Vr.US, Integer.toString(rows));
        root.put(Tag.Columns, Vr.US, Integer.toString(columns));
        root.put(0x00280002, Vr.US, "1");
        root.put(0x00280004, Vr.CS, "MONOCHROME2");
        root.put(0x00280100, Vr.US, "8");
        root.put(0x00280101, Vr.US, "8");
        root.put(0x00280102, Vr.US, "7");
        root.put(0x00280103, Vr.US, "0");
        root.put(Tag.NumberOfFrames, Vr.IS, "2");
        root.remove(0x00281050);
        root.remove(0x00281051);
        root.remove(0x00280106);
        root.remove(0x00280107);
        root.putBytes(0x7FE00010, Vr.OB, pixels);
        return e.toBytes();
    }

    private static Path derive(Deidentifier engine, byte[] original, String profile, String name) throws Exception {
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get(profile).orElseThrow(), profile);
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        Path out = dir.resolve(name);
        Files.write(out, ((Outcome.Derived) outcome).part10());
        return out;
    }

    /** dcm2pnm renders the frame, tesseract reads it; the text in upper case, spaces collapsed. */
    static String ocr(Path dicom, int frame, String... renderOptions) throws Exception {
        Path png = dir.resolve(dicom.getFileName() + "-" + frame + ".png");
        List<String> render = new ArrayList<>(List.of("dcm2pnm", "--write-png", "-il", "--frame", Integer.toString(frame)));
        render.addAll(List.of(renderOptions));
        render.addAll(List.of(dicom.toString(), png.toString()));
        run(render);
        String text = run(List.of("tesseract", png.toString(), "stdout", "--psm", "11"));
        return text.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
        return out;
    }
}
