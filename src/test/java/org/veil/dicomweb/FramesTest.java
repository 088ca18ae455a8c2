package org.veil.dicomweb;

import static org.veil.dicomweb.DicomWebClient.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.TempTree;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * Frame retrieval returns exactly each frame's bytes, as dcmtk's dcmdump extracts them, for
 * native, RLE, JPEG and JPEG 2000 multi-frame instances.
 */
@QuarkusTest
class FramesTest {

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
            "pydicom/rtdose.dcm, application/octet-stream, 15",
            "pydicom/SC_rgb_rle_2frame.dcm, image/dicom-rle, 2",
            "real/US-PAL-8-10x-echo.dcm, image/dicom-rle, 10",
            "pydicom/examples_ybr_color.dcm, image/jpeg, 30",
            "pydicom/JPEG2000.dcm, image/jp2, 1",
    })
    void framesAreTheExactStoredBytes(String sample, String mediaType, int frames) throws Exception {
        Path file = TestData.file(sample);
        List<byte[]> expected = expectedFrames(file, frames);
        String instance = store(Files.readAllBytes(file));
        checkFrames(instance, mediaType, expected);
    }

    @Test
    void jpeg2000MultiFrameFramesAreTheExactStoredBytes() throws Exception {
        // No multi-frame JPEG 2000 sample exists: build one from the real single-frame codestream.
        Path file = TestData.file("pydicom/JPEG2000.dcm");
        byte[] codestream = expectedFrames(file, 1).get(0);
        byte[] second = codestream.clone();
        byte[] built = Part10Editor.read(file)
                .set(Tag.SOPInstanceUID, "2.25.1234567890123456789")
                .set(Tag.SeriesInstanceUID, "2.25.1234567890123456790")
                .encapsulatedFrames(new byte[][] {codestream, second, codestream})
                .toBytes();
        String instance = store(built);
        checkFrames(instance, "image/jp2", List.of(codestream, second, codestream));
    }

    /**
     * Frames asked for as plain octet-stream (what dicomweb-client asks for by default) are the
     * decoded native samples in Explicit VR Little Endian (PS3.18 8.7.3.5), whatever the stored
     * syntax: the RLE, big-endian and lossless JPEG 2000 copies of one MR decode to exactly the
     * frame of its native original.
     */
    @Test
    void framesOfCompressedAndBigEndianInstancesAsPlainOctetStreamAreDecoded() throws Exception {
        String octets = "multipart/related; type=\"application/octet-stream\"";
        byte[] nativeFrame = DicomWebClient.parts(given().header("Accept", octets).get(store(renamed("pydicom/MR_small.dcm"))
                + "/frames/1")).get(0).content();
        assertThat(nativeFrame).hasSize(64 * 64 * 2);
        for (String file : List.of("pydicom/MR_small_RLE.dcm", "pydicom/MR_small_bigendian.dcm", "pydicom/MR_small_jp2klossless.dcm")) {
            String instance = store(renamed(file));
            io.restassured.response.Response r = given().header("Accept", octets).get(instance + "/frames/1");
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            DicomWebClient.Part part = DicomWebClient.parts(r).get(0);
            assertThat(part.contentType()).as(file).isEqualTo("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1");
            assertThat(part.content()).as(file).isEqualTo(nativeFrame);
            // The stored syntax is still there for whoever asks for it.
            given().header("Accept", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*")
                    .get(instance + "/frames/1").then().statusCode(200);
        }
        // Lossy frames only as their codestream: decoded, nothing would show what was lost.
        String lossy = store(TestData.bytes("pydicom/examples_ybr_color.dcm"));
        io.restassured.response.Response refused = given().header("Accept", octets).get(lossy + "/frames/1");
        assertThat(refused.statusCode()).isEqualTo(406);
        given().header("Accept", "multipart/related; type=\"image/jpeg\"").get(lossy + "/frames/1").then().statusCode(200);
        // Explicit VR Little Endian by name is what every native little-endian syntax's frames are.
        String implicit = store(renamed("pydicom/MR_small_implicit.dcm"));
        io.restassured.response.Response named = given().header("Accept", octets + "; transfer-syntax=1.2.840.10008.1.2.1")
                .get(implicit + "/frames/1");
        assertThat(named.statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.parts(named).get(0).content()).isEqualTo(nativeFrame);
    }

    /**
     * An instance asked for in Explicit VR Little Endian by name is transcoded: the implicit,
     * big-endian, RLE and JPEG 2000 copies of one MR come back in that syntax, readable, with the
     * native original's pixels; a lossy one is marked lossy.
     */
    @Test
    void instancesAskedForInExplicitLittleEndianAreTranscoded() throws Exception {
        String ele = "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1";
        String octets = "multipart/related; type=\"application/octet-stream\"";
        for (String file : List.of("pydicom/MR_small_implicit.dcm", "pydicom/MR_small_bigendian.dcm", "pydicom/MR_small_RLE.dcm",
                "pydicom/MR_small_jp2klossless.dcm", "pydicom/SC_rgb_jpeg_lossy_gdcm.dcm")) {
            String instance = store(renamed(file));
            Response r = given().header("Accept", ele).get(instance);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            DicomWebClient.Part part = DicomWebClient.parts(r).get(0);
            assertThat(part.contentType()).as(file).isEqualTo("application/dicom; transfer-syntax=1.2.840.10008.1.2.1");
            Part10Editor back = Part10Editor.read(part.content());
            assertThat(back.transferSyntax()).as(file).isEqualTo("1.2.840.10008.1.2.1");
            if (!file.contains("lossy")) {
                byte[] stored = DicomWebClient.parts(given().header("Accept", octets).get(instance + "/frames/1")).get(0).content();
                assertThat(back.nativeFrame(1)).as(file + ": the same pixels").isEqualTo(stored);
            } else {
                // (0028,2110) CS "01", as Explicit VR Little Endian writes it.
                assertThat(new String(part.content(), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("lossy stays lossy").contains("\u0028\u0000\u0010\u0021CS\u0002\u000001");
            }
        }
    }

    /** The file under new UIDs, in its own transfer syntax: the copies of one MR share theirs. */
    private static byte[] renamed(String file) throws Exception {
        String uid = "2.25.9191" + System.nanoTime() % 1_000_000_000L;
        return org.veil.dicom.Part10Editor.read(TestData.file(file)).set(Tag.StudyInstanceUID, uid)
                .set(Tag.SeriesInstanceUID, uid + ".1").set(Tag.SOPInstanceUID, uid + ".1.1").toBytes();
    }

    /**
     * A deflated data set is inflated from its start for each frame asked for: in file order the
     * frames cost it once, read forward; asked for backwards, up to once each, which is refused
     * (a small file may inflate to hundreds of megabytes).
     */
    @Test
    void framesOfADeflatedInstanceAreReadForwardAndBackwardsIsRefused() throws Exception {
        Path original = TestData.file("pydicom/rtdose.dcm");
        List<byte[]> expected = expectedFrames(original, 15);
        Path dir = Files.createTempDirectory("veil-deflated");
        try {
            // Under UIDs of its own: the original is stored by another test.
            Path source = Files.write(dir.resolve("rtdose.dcm"), renamed("pydicom/rtdose.dcm"));
            Path deflated = dir.resolve("rtdose-deflated.dcm");
            Process p = new ProcessBuilder("dcmconv", "+td", source.toString(), deflated.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertThat(p.waitFor()).isZero();
            byte[] file = Files.readAllBytes(deflated);
            assertThat(Part10Editor.read(file).transferSyntax()).isEqualTo("1.2.840.10008.1.2.1.99");
            String instance = store(file);
            String stored = "multipart/related; type=application/octet-stream; transfer-syntax=*";
            for (List<Integer> wanted : List.of(List.of(1, 3, 5, 15), List.of(2, 1))) {
                Response r = given().header("Accept", stored)
                        .get(instance + "/frames/" + String.join(",", wanted.stream().map(String::valueOf).toList()));
                assertThat(r.statusCode()).as(wanted.toString()).isEqualTo(200);
                List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
                for (int i = 0; i < wanted.size(); i++) {
                    assertThat(parts.get(i).content()).as("frame %d", wanted.get(i)).isEqualTo(expected.get(wanted.get(i) - 1));
                }
            }
            Response backwards = given().header("Accept", stored).get(instance + "/frames/15,10,5,1");
            assertThat(backwards.statusCode()).isEqualTo(400);
            assertThat(backwards.jsonPath().getString("reason")).contains("ascending order");
        } finally {
            TempTree.delete(dir);
        }
    }

    @Test
    void frameBeyondTheLastIsNotFound() throws Exception {
        String instance = store(TestData.bytes("pydicom/SC_rgb_rle_2frame.dcm"));
        io.restassured.response.Response third = given().header("Accept", "multipart/related; type=\"image/dicom-rle\"")
                .get(instance + "/frames/3");
        assertThat(third.statusCode()).isEqualTo(404);
        assertThat(third.jsonPath().getString("reason")).isEqualTo("frame not found");
        io.restassured.response.Response zero = given().get(instance + "/frames/0");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.jsonPath().getString("reason")).contains("frame");
    }

    /**
     * An instance of 12,000 frames, whose frame index (about 100 KB) is longer than a list of
     * instances reads with the rest (InstanceRepository.LISTED_INDEX_BYTES): its frames, its Pixel
     * Data and the study's bulk data read it where they use it, and the study's metadata never.
     */
    @Test
    void anIndexLongerThanAListReadsIsReadWhereItIsUsed() throws Exception {
        Path file = TestData.file("pydicom/JPEG2000.dcm");
        byte[][] frames = new byte[12000][];
        for (int n = 0; n < frames.length; n++) {
            frames[n] = ("F" + (1000000 + n)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        String uid = "2.25.88" + System.nanoTime() % 1_000_000_000L;
        String instance = store(Part10Editor.read(file).set(Tag.StudyInstanceUID, uid).set(Tag.SeriesInstanceUID, uid + ".1")
                .set(Tag.SOPInstanceUID, uid + ".1.1").set(Tag.InstanceNumber, "1").encapsulatedFrames(frames).toBytes());
        store(Part10Editor.read(file).set(Tag.StudyInstanceUID, uid).set(Tag.SeriesInstanceUID, uid + ".1")
                .set(Tag.SOPInstanceUID, uid + ".1.2").set(Tag.InstanceNumber, "2").toBytes());
        // The long index is not listed, and so takes nothing of the list's total: the next row's is read with it.
        List<org.veil.index.StoredInstance> listed = repository.find(org.veil.index.IndexTarget.ORIGINAL, uid, null, null, 10);
        org.veil.index.StoredInstance large = repository.withIndexes(org.veil.index.IndexTarget.ORIGINAL, listed.get(0));
        org.veil.index.StoredInstance small = repository.withIndexes(org.veil.index.IndexTarget.ORIGINAL, listed.get(1));
        assertThat(large.frames().length()).isGreaterThan(65_536);
        assertThat(repository.find(org.veil.index.IndexTarget.ORIGINAL, uid, null, null, 10,
                large.bulkData().length() + small.frames().length() + small.bulkData().length()))
                .extracting(org.veil.index.StoredInstance::indexesDeferred).containsExactly(true, false);
        assertThat(new IndexReset().count("instance WHERE sop_instance_uid = '" + uid + ".1.1' AND octet_length(frames) > 65536"))
                .as("an index longer than a list reads").isEqualTo(1);
        Response frame = given().header("Accept", "multipart/related; type=\"image/jp2\"").get(instance + "/frames/11999");
        assertThat(frame.statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.parts(frame).get(0).content()).isEqualTo(frames[11998]);
        Response pixels = given().header("Accept", "multipart/related; type=\"image/jp2\"").get(instance + "/bulkdata/7FE00010");
        assertThat(pixels.statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.parts(pixels)).hasSize(12000);
        Response study = given().header("Accept", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*")
                .get("/dicomweb/studies/" + uid + "/bulkdata");
        assertThat(study.statusCode()).as(study.asString().length() > 300 ? "" : study.asString()).isEqualTo(200);
        assertThat(DicomWebClient.parts(study).stream().filter(p -> java.util.Arrays.equals(p.content(), frames[41])).count())
                .as("frame 42 among the study's bulk data").isEqualTo(1);
        assertThat(given().header("Accept", "application/dicom+json").get("/dicomweb/studies/" + uid + "/metadata").statusCode())
                .isEqualTo(200);
    }

    private void checkFrames(String instance, String mediaType, List<byte[]> expected) {
        // Each frame once (PS3.18 8.3.3.2 lists frames; Veil refuses a repeated one).
        List<Integer> wanted = expected.size() >= 5 ? List.of(1, 3, 5) : expected.size() == 1 ? List.of(1) : List.of(1, expected.size());
        for (String accept : List.of("multipart/related; type=\"" + mediaType + "\"",
                "multipart/related; type=application/octet-stream; transfer-syntax=*")) {
            Response r = given().header("Accept", accept)
                    .get(instance + "/frames/" + String.join(",", wanted.stream().map(String::valueOf).toList()));
            assertThat(r.statusCode()).as(accept).isEqualTo(200);
            List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
            assertThat(parts).hasSize(wanted.size());
            for (int i = 0; i < wanted.size(); i++) {
                assertThat(parts.get(i).content()).as("frame %d", wanted.get(i)).isEqualTo(expected.get(wanted.get(i) - 1));
                assertThat(parts.get(i).contentType()).contains("transfer-syntax=");
            }
        }
    }

    @jakarta.inject.Inject
    org.veil.index.InstanceRepository repository;

    /**
     * A list of instances reads their indexes with the rows only up to a total
     * (InstanceRepository.LISTED_INDEXES_BYTES, 16 MiB): ten thousand rows with indexes just
     * under the per-row bound would otherwise be listed as 1.3 GB. Rows past it are listed
     * without, and their indexes read where they are used, the same as listed.
     */
    @Test
    void aListReadsIndexesUpToATotal() throws Exception {
        String uid = "2.25.89" + System.nanoTime() % 1_000_000_000L;
        byte[][] frames = new byte[200][];
        for (int n = 0; n < frames.length; n++) {
            frames[n] = ("G" + (1000000 + n)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        for (int i = 1; i <= 3; i++) {
            store(Part10Editor.read(TestData.file("pydicom/JPEG2000.dcm")).set(Tag.StudyInstanceUID, uid)
                    .set(Tag.SeriesInstanceUID, uid + ".1").set(Tag.SOPInstanceUID, uid + ".1." + i)
                    .set(Tag.InstanceNumber, Integer.toString(i)).encapsulatedFrames(frames).toBytes());
        }
        org.veil.index.IndexTarget original = org.veil.index.IndexTarget.ORIGINAL;
        List<org.veil.index.StoredInstance> whole = repository.find(original, uid, null, null, 10);
        assertThat(whole).hasSize(3).noneMatch(org.veil.index.StoredInstance::indexesDeferred);
        long first = whole.get(0).frames().length() + whole.get(0).bulkData().length();
        List<org.veil.index.StoredInstance> bounded = repository.find(original, uid, null, null, 10, first);
        assertThat(bounded).extracting(org.veil.index.StoredInstance::indexesDeferred).containsExactly(false, true, true);
        for (int n = 0; n < 3; n++) {
            org.veil.index.StoredInstance read = repository.withIndexes(original, bounded.get(n));
            assertThat(read.frames()).isEqualTo(whole.get(n).frames());
            assertThat(read.bulkData()).isEqualTo(whole.get(n).bulkData());
        }
        assertThat(repository.find(original, uid, null, null, 2)).as("the limit").hasSize(2);
    }

    private static String store(byte[] file) {
        Response stow = DicomWebClient.stow(file);
        assertThat(stow.statusCode()).isIn(200);
        String url = JsonPath.from(stow.asString()).getString("'00081199'.Value[0].'00081190'.Value[0]");
        return url.substring(url.indexOf("/dicomweb"));
    }

    /**
     * dcmdump +W writes the Pixel Data value (native) or each item (encapsulated: the offset
     * table, then one fragment per frame in these samples) to numbered files.
     */
    static List<byte[]> expectedFrames(Path file, int frames) throws Exception {
        Path dir = Files.createTempDirectory("veil-frames");
        try {
            Process p = new ProcessBuilder("dcmdump", "-q", "+W", dir.toString(), file.toString()).start();
            String dump = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).isZero();
            List<Path> raw;
            try (Stream<Path> s = Files.list(dir)) {
                raw = s.sorted(Comparator.comparingInt(FramesTest::index)).toList();
            }
            Matcher items = Pattern.compile("\\(fffe,e000\\) pi").matcher(dump);
            int itemCount = 0;
            while (items.find()) {
                itemCount++;
            }
            List<byte[]> out = new ArrayList<>();
            if (itemCount > 0) {
                List<Path> fragments = raw.subList(raw.size() - itemCount + 1, raw.size());
                assertThat(fragments).hasSize(frames);
                for (Path f : fragments) {
                    out.add(Files.readAllBytes(f));
                }
            } else {
                byte[] pixels = Files.readAllBytes(raw.get(raw.size() - 1));
                int size = pixels.length / frames;
                for (int i = 0; i < frames; i++) {
                    out.add(Arrays.copyOfRange(pixels, i * size, (i + 1) * size));
                }
            }
            return out;
        } finally {
            TempTree.delete(dir);
        }
    }

    private static int index(Path raw) {
        String[] parts = raw.getFileName().toString().split("\\.");
        return Integer.parseInt(parts[parts.length - 2]);
    }
}
