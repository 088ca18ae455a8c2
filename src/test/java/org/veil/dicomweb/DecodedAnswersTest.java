package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.veil.dicomweb.DefaultTransferSyntaxTest.renamed;
import static org.veil.dicomweb.DefaultTransferSyntaxTest.store;
import static org.veil.dicomweb.DicomWebClient.given;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Decoded pixel data held by answers while they stream is bounded for all answers together
 * (veil.dicomweb.max-decoded-bytes-streaming): with the bound taken, decoded frames, decoded Pixel
 * Data and a named Explicit VR Little Endian answer are 503 with a reason and Retry-After at once
 * (waiting for room would hold what was decoded, uncounted), and a default instance goes as stored;
 * with room, each answer lets go of what it held once it has been written, or answered 304 or to a
 * HEAD without being written.
 */
@QuarkusTest
class DecodedAnswersTest {
    private static final String OCTETS = "multipart/related; type=\"application/octet-stream\"";
    private static final String DEFAULT = "multipart/related; type=\"application/dicom\"";
    private static final String NAMED = DEFAULT + "; transfer-syntax=1.2.840.10008.1.2.1";

    @Inject
    DecodedAnswers answers;
    @Inject
    DicomWebConfig config;

    @Test
    void withNoRoomDecodedAnswersAre503OrGoAsStored() throws Exception {
        String rle = store(renamed("pydicom/MR_small_RLE.dcm"));
        String namedTag = given().header("Accept", NAMED).get(rle).header("ETag");
        assertThat(namedTag).startsWith("W/\"");
        awaitNothingHeld();
        try (DecodedAnswers.Hold all = answers.hold(null, config.maxDecodedBytesStreaming())) {
            for (String[] ask : new String[][] {{OCTETS, rle + "/frames/1"}, {OCTETS, rle + "/bulkdata/7FE00010"}, {NAMED, rle}}) {
                Response busy = given().header("Accept", ask[0]).get(ask[1]);
                assertThat(busy.statusCode()).as(ask[0] + ": " + busy.asString()).isEqualTo(503);
                assertThat(busy.contentType()).startsWith("application/json");
                assertThat(busy.jsonPath().getString("reason")).contains("decoded images");
                assertThat(busy.header("Retry-After")).isNotBlank();
            }
            // A named answer the client already holds is 304 without decoding, so without room.
            Response held = given().header("Accept", NAMED).header("If-None-Match", namedTag).get(rle);
            assertThat(held.statusCode()).as(held.asString()).isEqualTo(304);
            assertThat(held.header("ETag")).isEqualTo(namedTag);
            // "*" names no answer the client had: the request is judged as any other (RFC 9110 13.2.1).
            assertThat(given().header("Accept", NAMED).header("If-None-Match", "*").get(rle).statusCode()).isEqualTo(503);
            // By default an instance goes as stored, its part saying so.
            Response instance = given().header("Accept", DEFAULT).get(rle);
            assertThat(instance.statusCode()).isEqualTo(200);
            assertThat(DicomWebClient.parts(instance).get(0).contentType()).isEqualTo("application/dicom; transfer-syntax=1.2.840.10008.1.2.5");
        }
        awaitNothingHeld();
        assertThat(given().header("Accept", OCTETS).get(rle + "/frames/1").statusCode()).as("room again").isEqualTo(200);
        awaitNothingHeld();
    }

    @Test
    void everyDecodedAnswerLetsGoOfWhatItHeld() throws Exception {
        String rle = store(renamed("pydicom/MR_small_RLE.dcm"));
        for (String[] ask : new String[][] {{OCTETS, rle + "/frames/1"}, {OCTETS, rle + "/bulkdata/7FE00010"}, {NAMED, rle}, {DEFAULT, rle}}) {
            Response r = given().header("Accept", ask[0]).get(ask[1]);
            assertThat(r.statusCode()).as(ask[0]).isEqualTo(200);
            assertThat(DicomWebClient.parts(r).get(0).contentType()).as(ask[0]).contains("transfer-syntax=1.2.840.10008.1.2.1");
            awaitNothingHeld();
        }
        // Answered 304, the body is never written: what was decoded for it is let go all the same.
        String etag = given().header("Accept", NAMED).get(rle).header("ETag");
        awaitNothingHeld();
        Response unchanged = given().header("Accept", NAMED).header("If-None-Match", etag).get(rle);
        assertThat(unchanged.statusCode()).isEqualTo(304);
        awaitNothingHeld();
        // Nor is a HEAD's.
        assertThat(given().header("Accept", OCTETS).head(rle + "/frames/1").statusCode()).isEqualTo(200);
        awaitNothingHeld();
    }

    /**
     * The case the bound is for: a client that asks for a large decoded value and stops reading.
     * The answer holds its 20 MiB of decoded frames for as long as the client keeps the
     * connection, counted; when the client goes, the hold goes with it.
     */
    @Test
    void aClientThatStopsReadingHoldsItsDecodedAnswerCountedUntilItGoes() throws Exception {
        int frames = 40;
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("veil-decoded-answers");
        String url;
        try {
            org.veil.dicom.Part10Editor ct = org.veil.dicom.Part10Editor.read(org.veil.TestData.file("real/CT-MONO2-16-ankle.dcm"));
            byte[] frame = ct.nativeFrame(1);
            byte[] all = new byte[frame.length * frames];
            for (int f = 0; f < frames; f++) {
                System.arraycopy(frame, 0, all, f * frame.length, frame.length);
            }
            String uid = "2.25.7676" + System.nanoTime() % 1_000_000_000L;
            ct.set(org.veil.dicom.Tag.StudyInstanceUID, uid).set(org.veil.dicom.Tag.SeriesInstanceUID, uid + ".1")
                    .set(org.veil.dicom.Tag.SOPInstanceUID, uid + ".1.1").set(org.veil.dicom.Tag.NumberOfFrames, Integer.toString(frames));
            ct.root().putBytes(0x7FE00010, org.veil.dicom.Vr.OW, all);
            java.nio.file.Path nativeFile = java.nio.file.Files.write(dir.resolve("native.dcm"), ct.toBytes());
            java.nio.file.Path rleFile = dir.resolve("rle.dcm");
            Process p = new ProcessBuilder("dcmcrle", nativeFile.toString(), rleFile.toString()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(said).isZero();
            url = store(java.nio.file.Files.readAllBytes(rleFile));
        } finally {
            org.veil.TempTree.delete(dir);
        }
        awaitNothingHeld();
        try (java.net.Socket s = new java.net.Socket()) {
            s.setReceiveBufferSize(8 * 1024);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", io.restassured.RestAssured.port));
            s.setSoTimeout(60_000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(("GET " + url + "/bulkdata/7FE00010 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + OCTETS
                    + "\r\nAuthorization: Bearer " + org.veil.security.TestTokens.treatingClinician() + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] some = s.getInputStream().readNBytes(100_000);
            assertThat(new String(some, 0, 12, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
            Thread.sleep(1000);
            assertThat(answers.held()).as("the decoded frames, held while the client does not read")
                    .isGreaterThanOrEqualTo((long) frames * 512 * 512 * 2);
            s.setSoLinger(true, 0);
        }
        awaitNothingHeld();
    }

    /**
     * Answers sharing one decoded object count it once, and two decodings of the same instance
     * (equal, not the same object: the cache let the first go) count twice; a hold is let go
     * once; one answer larger than the bound passes alone.
     */
    @Test
    void theBoundCountsASharedDecodingOnce() throws Exception {
        DecodedAnswers bound = new DecodedAnswers(100);
        DecodedAnswers.Hold a = bound.hold(null, 60);
        assertThat(bound.tryHold(null, 50)).isNull();
        Object decoding = new Object();
        DecodedAnswers.Hold k1 = bound.tryHold(decoding, 30);
        DecodedAnswers.Hold k2 = bound.tryHold(decoding, 30);
        assertThat(k1).isNotNull();
        assertThat(k2).isNotNull();
        assertThat(bound.held()).isEqualTo(90);
        assertThat(bound.tryHold(new String("same key"), 20)).as("another decoding counts").isNull();
        k1.close();
        assertThat(bound.held()).as("still held by the other answer").isEqualTo(90);
        k2.close();
        k2.close();
        assertThat(bound.held()).isEqualTo(60);
        assertThatThrownBy(() -> bound.hold(null, 50)).isInstanceOf(DecodedAnswers.Full.class);
        DecodedAnswers.Hold b = bound.hold(null, 40);
        assertThatThrownBy(bound::requireRoom).isInstanceOf(DecodedAnswers.Full.class);
        b.close();
        a.close();
        a.close();
        assertThat(bound.held()).isZero();
        try (DecodedAnswers.Hold big = bound.hold(null, 1_000)) {
            assertThat(bound.tryHold(null, 1)).as("nothing beside an answer beyond the bound").isNull();
        }
        assertThat(bound.held()).isZero();
    }

    private void awaitNothingHeld() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (answers.held() != 0) {
            assertThat(Instant.now()).as("decoded answers let go of what they held").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
