package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veil.dicomweb.DicomWebClient.given;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.deid.RawDataset;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * Instances asked for without a transfer syntax come in Explicit VR Little Endian, the default of
 * DICOM web services (PS3.18 8.7.3.4): Implicit VR and Deflated rewritten element by element,
 * what Veil decodes decoded, lossy data as stored. Every element is checked against dcmtk's
 * reading of the stored original, so the rewrite is judged by a second toolkit, not by itself.
 */
@QuarkusTest
class DefaultTransferSyntaxTest {
    private static final String DEFAULT = "multipart/related; type=\"application/dicom\"";
    private static final String STORED = DEFAULT + "; transfer-syntax=*";
    private static final String ELE = "1.2.840.10008.1.2.1";
    private static final String OCTETS = "multipart/related; type=\"application/octet-stream\"";

    @Test
    void implicitAndDeflatedInstancesComeInExplicitLittleEndianElementForElement() throws Exception {
        for (String file : List.of("pydicom/MR_small_implicit.dcm", "pydicom/image_dfl.dcm", "real/CT-MONO2-16-ankle.dcm")) {
            byte[] original = renamed(file);
            assertThat(Part10Editor.read(original).transferSyntax()).as(file + " is stored in another syntax").isNotEqualTo(ELE);
            String instance = store(original);
            DicomWebClient.Part part = single(given().header("Accept", DEFAULT).get(instance));
            assertThat(part.contentType()).as(file).isEqualTo("application/dicom; transfer-syntax=" + ELE);
            Part10Editor back = Part10Editor.read(part.content());
            assertThat(back.transferSyntax()).as(file).isEqualTo(ELE);
            assertThat(dataset(part.content())).as(file + ": every element as dcmtk reads the original")
                    .isEqualTo(dataset(original));
            // As stored, byte for byte, for whoever asks for that.
            assertThat(single(given().header("Accept", STORED).get(instance)).content()).as(file).isEqualTo(original);
        }
    }

    /**
     * What dictionary look-ups get wrong or lengths cannot hold: a nested sequence, a private
     * creator and private values (one a sequence of defined length, which stays UN with its
     * implicit content, PS3.5 6.2.2), and a long string longer than a 16-bit length can say,
     * which becomes UN (PS3.18 8.7.3.4 Note 3) with its value unchanged.
     */
    @Test
    void anImplicitDataSetWithSequencesPrivateValuesAndOverlongStringsKeepsEveryValue() throws Exception {
        String uid = "2.25.7373" + System.nanoTime() % 1_000_000_000L;
        String longText = "LONGVALUE".repeat(8_000);
        byte[] original = new RawDataset()
                .text(Tag.SOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.7")
                .text(Tag.SOPInstanceUID, "UI", uid + ".1.1")
                .text(0x00080020, "DA", "20240102")
                .text(0x0008103E, "LO", longText)
                .sequence(0x00081140, "SQ", new RawDataset().text(0x00081150, "UI", "1.2.840.10008.5.1.4.1.1.7")
                        .text(0x00081155, "UI", "1.2.3.4.5"))
                .text(0x00090010, "LO", "VEILTEST")
                .sequence(0x00091001, "SQ", new RawDataset().text(0x00100010, "PN", "Inner^Name"))
                .put(0x00091002, "OB", new byte[70_000])
                .text(0x00100010, "PN", "Doe^John")
                .text(0x00100020, "LO", "PID-7373")
                .text(Tag.StudyInstanceUID, "UI", uid)
                .text(Tag.SeriesInstanceUID, "UI", uid + ".1")
                .part10("1.2.840.10008.5.1.4.1.1.7", uid + ".1.1", "1.2.840.10008.1.2");
        String instance = store(original);
        DicomWebClient.Part part = single(given().header("Accept", DEFAULT).get(instance));
        assertThat(part.contentType()).isEqualTo("application/dicom; transfer-syntax=" + ELE);
        assertThat(dataset(part.content())).isEqualTo(dataset(original));
        String body = new String(part.content(), StandardCharsets.ISO_8859_1);
        // (0008,103E) UN, reserved bytes, a 32-bit length of 72,000, then the value itself.
        assertThat(body).contains("\u0008\u0000\u003e\u0010UN\u0000\u0000\u0040\u0019\u0001\u0000" + longText);
        assertThat(body).as("the private sequence stays UN").contains("\u0009\u0000\u0001\u0010UN");
        assertThat(body).as("a standard sequence is SQ").contains("\u0008\u0000\u0040\u0011SQ");
    }

    /**
     * A file whose File Meta Information says Implicit VR but whose Pixel Data is encapsulated
     * (fragments, undefined length), as files with a wrong syntax in their meta are: not what its
     * syntax says, so it is not rewritten. By default it comes as stored, whole, labelled so; named
     * Explicit VR Little Endian, 406 with a reason, before anything is sent.
     */
    @Test
    void anImplicitFileWithEncapsulatedPixelDataIsSentAsStoredNotCutShort() throws Exception {
        String uid = "2.25.7676" + System.nanoTime() % 1_000_000_000L;
        byte[] head = new RawDataset()
                .text(Tag.SOPClassUID, "UI", "1.2.840.10008.5.1.4.1.1.7")
                .text(Tag.SOPInstanceUID, "UI", uid + ".1.1")
                .text(0x00100010, "PN", "Doe^Jane")
                .text(Tag.StudyInstanceUID, "UI", uid)
                .text(Tag.SeriesInstanceUID, "UI", uid + ".1")
                .us(0x00280002, 1).text(0x00280004, "CS", "MONOCHROME2").us(0x00280010, 2).us(0x00280011, 2)
                .us(0x00280100, 8).us(0x00280101, 8).us(0x00280102, 7).us(0x00280103, 0)
                .part10("1.2.840.10008.5.1.4.1.1.7", uid + ".1.1", "1.2.840.10008.1.2");
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.writeBytes(head);
        // (7FE0,0010), undefined length; an empty offset table, one fragment, the sequence delimiter.
        file.writeBytes(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, -1, -1, -1, -1});
        file.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, 0, 0, 0, 0});
        file.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, 4, 0, 0, 0, 1, 2, 3, 4});
        file.writeBytes(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        byte[] original = file.toByteArray();
        String instance = store(original);
        DicomWebClient.Part part = single(given().header("Accept", DEFAULT).get(instance));
        assertThat(part.contentType()).isEqualTo("application/dicom; transfer-syntax=1.2.840.10008.1.2");
        assertThat(part.content()).isEqualTo(original);
        Response named = given().header("Accept", DEFAULT + "; transfer-syntax=" + ELE).get(instance);
        assertThat(named.statusCode()).isEqualTo(406);
        assertThat(named.jsonPath().getString("reason")).contains("transfer-syntax=*");
    }

    @Test
    void losslessCompressedInstancesAreDecodedAndLossyOnesComeAsStored() throws Exception {
        String rle = store(renamed("pydicom/MR_small_RLE.dcm"));
        DicomWebClient.Part decoded = single(given().header("Accept", DEFAULT).get(rle));
        assertThat(decoded.contentType()).isEqualTo("application/dicom; transfer-syntax=" + ELE);
        byte[] frame = DicomWebClient.parts(given().header("Accept", OCTETS).get(rle + "/frames/1")).get(0).content();
        assertThat(Part10Editor.read(decoded.content()).nativeFrame(1)).isEqualTo(frame);

        // PS3.18 8.7.3.4 lets lossy pixel data stay in the syntax that shows what it lost.
        byte[] lossyOriginal = renamed("pydicom/SC_rgb_jpeg_lossy_gdcm.dcm");
        String lossy = store(lossyOriginal);
        DicomWebClient.Part asStored = single(given().header("Accept", DEFAULT).get(lossy));
        assertThat(asStored.contentType()).isEqualTo("application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50");
        assertThat(asStored.content()).isEqualTo(lossyOriginal);
    }

    @Test
    void aSeriesOfMixedSyntaxesLabelsEachPart() throws Exception {
        String uid = "2.25.7474" + System.nanoTime() % 1_000_000_000L;
        List<String> files = List.of("pydicom/MR_small_implicit.dcm", "pydicom/MR_small_RLE.dcm", "pydicom/MR_small_bigendian.dcm",
                "pydicom/MR_small.dcm");
        for (int n = 0; n < files.size(); n++) {
            store(Part10Editor.read(TestData.file(files.get(n))).set(Tag.StudyInstanceUID, uid)
                    .set(Tag.SeriesInstanceUID, uid + ".1").set(Tag.SOPInstanceUID, uid + ".1." + (n + 1)).toBytes());
        }
        Response r = given().header("Accept", DEFAULT).get("/dicomweb/studies/" + uid + "/series/" + uid + ".1");
        assertThat(r.statusCode()).isEqualTo(200);
        List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
        assertThat(parts).hasSize(4);
        List<byte[]> frames = new ArrayList<>();
        for (DicomWebClient.Part p : parts) {
            assertThat(p.contentType()).isEqualTo("application/dicom; transfer-syntax=" + ELE);
            Part10Editor back = Part10Editor.read(p.content());
            assertThat(back.transferSyntax()).isEqualTo(ELE);
            frames.add(back.nativeFrame(1));
        }
        for (byte[] f : frames) {
            assertThat(f).as("the four copies of one MR, the same pixels").isEqualTo(frames.get(0));
        }
    }

    @Test
    void pixelBulkDataOfACompressedInstanceIsDecodedByDefault() throws Exception {
        String rle = store(renamed("pydicom/MR_small_RLE.dcm"));
        byte[] frame = DicomWebClient.parts(given().header("Accept", OCTETS).get(rle + "/frames/1")).get(0).content();
        Response r = given().header("Accept", OCTETS).get(rle + "/bulkdata/7FE00010");
        assertThat(r.statusCode()).isEqualTo(200);
        DicomWebClient.Part part = single(r);
        assertThat(part.contentType()).isEqualTo("application/octet-stream; transfer-syntax=" + ELE);
        assertThat(part.content()).isEqualTo(frame);
        // The stored codestream, for whoever asks for it.
        DicomWebClient.Part stored = single(given().header("Accept", OCTETS + "; transfer-syntax=*").get(rle + "/bulkdata/7FE00010"));
        assertThat(stored.contentType()).isEqualTo("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.5");
        assertThat(stored.content()).isNotEqualTo(frame);
    }

    private static DicomWebClient.Part single(Response r) {
        assertThat(r.statusCode()).isEqualTo(200);
        List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
        assertThat(parts).hasSize(1);
        return parts.get(0);
    }

    /**
     * The data set as dcmtk's dcmdump reads it: each element's tag, VR (UN converted to the
     * dictionary's where it knows the tag) and whole value, by depth; what only encoding differs
     * in (lengths, item and sequence delimiters, group lengths) left out, and dcmtk's "??" for an
     * implicit element of unknown VR read as the UN it is.
     */
    static List<String> dataset(byte[] part10) throws Exception {
        Path f = Files.createTempFile("veil-dump", ".dcm");
        try {
            Files.write(f, part10);
            Process p = new ProcessBuilder("dcmdump", "-q", "+L", "+uc", f.toString()).redirectErrorStream(true).start();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(p.waitFor()).as(dump).isZero();
            List<String> out = new ArrayList<>();
            boolean inDataset = false;
            for (String line : dump.split("\n")) {
                if (line.startsWith("# Dicom-Data-Set")) {
                    inDataset = true;
                    continue;
                }
                if (!inDataset || line.isBlank() || line.startsWith("#") || line.contains("(fffe,")
                        || line.matches("^\\s*\\([0-9a-f]{4},0000\\).*")) {
                    continue;
                }
                out.add(line.replaceAll("\\s+#\\s+(\\d+|u/l),\\s*\\d+\\s+\\S+\\s*$", "")
                        .replace("explicit length", "length").replace("undefined length", "length")
                        // dcmtk names an implicit element of unknown VR "??"; written explicitly it is UN.
                        .replaceFirst("^(\\s*\\([0-9a-f]{4},[0-9a-f]{4}\\)) \\?\\? ", "$1 UN "));
            }
            assertThat(out).isNotEmpty();
            return out;
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** The file under new UIDs, in its own transfer syntax. */
    static byte[] renamed(String file) throws Exception {
        String uid = "2.25.7575" + System.nanoTime() % 1_000_000_000L;
        return Part10Editor.read(TestData.file(file)).set(Tag.StudyInstanceUID, uid)
                .set(Tag.SeriesInstanceUID, uid + ".1").set(Tag.SOPInstanceUID, uid + ".1.1").toBytes();
    }

    static String store(byte[] file) {
        Response stow = DicomWebClient.stow(file);
        assertThat(stow.statusCode()).as(stow.asString()).isEqualTo(200);
        String url = JsonPath.from(stow.asString()).getString("'00081199'.Value[0].'00081190'.Value[0]");
        return url.substring(url.indexOf("/dicomweb"));
    }
}
