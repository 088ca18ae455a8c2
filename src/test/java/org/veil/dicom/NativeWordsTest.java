package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.TestData;

/**
 * Native 16-bit Pixel Data read and written in bulk gives exactly what PixelMed gives reading and
 * writing the whole file itself, for every sample file; the bulk path is taken only where the
 * file is the plain case it was written for.
 */
class NativeWordsTest {

    /** The samples that do not decode here, and why (other tests hold Veil to each reason). */
    static final java.util.Map<String, String> UNDECODABLE = java.util.Map.of(
            "ExplVR_BigEndNoMeta.dcm", "no File Meta Information: no transfer syntax",
            "ExplVR_LitEndNoMeta.dcm", "no File Meta Information: no transfer syntax",
            "no_meta.dcm", "no File Meta Information: no transfer syntax",
            "meta_missing_tsyntax.dcm", "File Meta Information without a transfer syntax",
            "JPEG-lossy.dcm", "12-bit JPEG extended, which no decoder here reads",
            "JPGExtended.dcm", "12-bit JPEG extended, which no decoder here reads",
            "SC_rgb_jpeg.dcm", "a JPEG PixelMed's codec refuses",
            "JPEG2000-embedded-sequence-delimiter.dcm", "a codestream declaring a larger image than Rows and Columns",
            "badVR.dcm", "a pixel description that cannot be read",
            "rtstruct.dcm", "no pixel data");

    static Stream<Path> samples() {
        return TestData.dicomFiles().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void readingFromMemoryGivesWhatPixelMedReadsFromTheFile(Path sample) throws Exception {
        byte[] bytes = Files.readAllBytes(sample);
        Part10Editor whole;
        try {
            whole = Part10Editor.read(sample);
        } catch (MalformedDicomException e) {
            assertThatThrownBy(() -> Part10Editor.read(bytes)).isInstanceOf(MalformedDicomException.class);
            return;
        }
        Part10Editor fromMemory = Part10Editor.read(bytes);
        assertThat(fromMemory.transferSyntax()).isEqualTo(whole.transferSyntax());
        assertThat(java.util.Arrays.equals(fromMemory.toBytes(), whole.toBytes())).as("the same file written").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void writingInBulkGivesWhatPixelMedWrites(Path sample) throws Exception {
        Part10Editor decoded;
        try {
            decoded = Part10Editor.readDecoded(Files.readAllBytes(sample));
        } catch (MalformedDicomException | UndecodablePixelDataException e) {
            // Only the samples known not to decode here; a sample that stops decoding fails.
            assertThat(UNDECODABLE).as("%s did not decode: %s", sample.getFileName(), e.getMessage())
                    .containsKey(sample.getFileName().toString());
            return;
        }
        assertThat(UNDECODABLE).as("%s decodes now: take it off the list", sample.getFileName())
                .doesNotContainKey(sample.getFileName().toString());
        byte[] bulk = decoded.toBytes();
        ByteArrayOutputStream pixelMed = new ByteArrayOutputStream();
        decoded.attributes().write(pixelMed, decoded.transferSyntax(), true, true);
        assertThat(java.util.Arrays.equals(bulk, pixelMed.toByteArray())).as("the same file written").isTrue();
    }

    /** The CT decoded is the case the bulk writer is for, so the comparison above exercises it. */
    @Test
    void theRealCtIsWrittenInBulk() throws Exception {
        Part10Editor decoded = Part10Editor.readDecoded(TestData.bytes("real/CT-MONO2-16-ankle.dcm"));
        assertThat(decoded.transferSyntax()).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(decoded.attributes().lastKey()).isEqualTo(new com.pixelmed.dicom.AttributeTag(0x7FE0, 0x0010));
        assertThat(decoded.attributes().get(decoded.attributes().lastKey()).getClass())
                .isEqualTo(com.pixelmed.dicom.OtherWordAttribute.class);
        byte[] bulk = decoded.toBytes();
        ByteArrayOutputStream pixelMed = new ByteArrayOutputStream();
        decoded.attributes().write(pixelMed, decoded.transferSyntax(), true, true);
        assertThat(java.util.Arrays.equals(bulk, pixelMed.toByteArray())).as("the same file written").isTrue();
        assertThat(bulk.length).isGreaterThan(512 * 512 * 2);
    }

    @Test
    void theRealCtTakesTheBulkPathAndFilesItWasNotWrittenForDoNot() throws Exception {
        byte[] ct = TestData.bytes("real/CT-MONO2-16-ankle.dcm");
        assertThat(NativeWords.locate(ct)).isPresent();
        assertThat(NativeWords.locate(TestData.bytes("pydicom/MR_small_implicit.dcm"))).isPresent();
        // Trailing padding after the Pixel Data, big endian, encapsulated, 8-bit, deflated: PixelMed reads them whole.
        assertThat(NativeWords.locate(TestData.bytes("pydicom/MR_small.dcm"))).isEmpty();
        assertThat(NativeWords.locate(TestData.bytes("pydicom/MR_small_bigendian.dcm"))).isEmpty();
        assertThat(NativeWords.locate(TestData.bytes("pydicom/MR_small_RLE.dcm"))).isEmpty();
        assertThat(NativeWords.locate(TestData.bytes("real/US-PAL-8-10x-echo.dcm"))).isEmpty();
        assertThat(NativeWords.locate(TestData.bytes("pydicom/image_dfl.dcm"))).isEmpty();
    }

    @Test
    void pixelDataThatIsNotLastOrNotWholeIsLeftToPixelMed() throws Exception {
        byte[] ct = TestData.bytes("real/CT-MONO2-16-ankle.dcm");
        // Data Set Trailing Padding (FFFC,FFFC) after the Pixel Data, Implicit VR: 8 bytes of header, 4 of value.
        byte[] padded = java.util.Arrays.copyOf(ct, ct.length + 12);
        byte[] trailer = {(byte) 0xFC, (byte) 0xFF, (byte) 0xFC, (byte) 0xFF, 4, 0, 0, 0, 0, 0, 0, 0};
        System.arraycopy(trailer, 0, padded, ct.length, trailer.length);
        assertThat(NativeWords.locate(padded)).isEmpty();
        // Cut short inside the samples: the stated length no longer ends the file.
        assertThat(NativeWords.locate(java.util.Arrays.copyOf(ct, ct.length - 2))).isEmpty();
    }
}
