package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * Range requests on frames and bulk data (RFC 9110 14), as OHIF's loaders and dicomweb-client
 * make them: the range is over the frame's or the value's bytes; 206 with Content-Range on the
 * single body or on the one part; 416 beyond the end; what Veil does not serve (several ranges)
 * is ignored and the whole sent.
 */
@QuarkusTest
class RangeRetrieveTest {
    private final IndexReset index = new IndexReset();
    private static boolean stored;
    private static final String MULTIPART_OCTETS = "multipart/related; type=\"application/octet-stream\"";
    private static String instance;
    private static byte[] frame;

    /** Once, before the first test: the application is up (and its port known) only from then. */
    @BeforeEach
    void store() throws Exception {
        if (stored) {
            return;
        }
        stored = true;
        String study = "2.25.8181" + System.nanoTime() % 1_000_000;
        byte[] mr = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes();
        assertThat(DicomWebClient.stow(mr).statusCode()).isEqualTo(200);
        instance = "/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1.1";
        Response whole = DicomWebClient.given().accept(MULTIPART_OCTETS).get(instance + "/frames/1");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.header("Accept-Ranges")).isEqualTo("bytes");
        frame = DicomWebClient.parts(whole).get(0).content();
        assertThat(frame).hasSize(64 * 64 * 2);
    }

    @Test
    void aRangeOfAFrameInAMultipartAnswer() throws Exception {
        Response r = DicomWebClient.given().accept(MULTIPART_OCTETS).header("Range", "bytes=100-199").get(instance + "/frames/1");
        assertThat(r.statusCode()).isEqualTo(206);
        List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).headers()).contains("Content-Range: bytes 100-199/8192");
        assertThat(parts.get(0).content()).isEqualTo(Arrays.copyOfRange(frame, 100, 200));
        assertThat(index.strings("SELECT detail FROM audit_event WHERE action = 'retrieve frames' ORDER BY id DESC LIMIT 1"))
                .as("the trail says a part was sent").containsExactly("partial content: a byte range (Range)");
    }

    /**
     * Each part of frames and bulk data names the resource it is (PS3.18 10.4.3.3.5 and
     * 10.4.3.3.6: the URI the metadata gives for the element, or the frame).
     */
    @Test
    void partsNameTheResourceTheyAre() {
        String uri = DicomWebClient.given().accept("application/dicom+json").get(instance + "/metadata")
                .jsonPath().getString("[0].'7FE00010'.BulkDataURI");
        assertThat(uri).endsWith(instance + "/bulkdata/7FE00010");
        String instanceUri = uri.substring(0, uri.length() - "/bulkdata/7FE00010".length());
        List<DicomWebClient.Part> frames = DicomWebClient.parts(DicomWebClient.given().accept(MULTIPART_OCTETS).get(instance + "/frames/1"));
        assertThat(frames.get(0).headers().split("\r\n")).contains("Content-Location: " + instanceUri + "/frames/1");
        List<DicomWebClient.Part> pixels = DicomWebClient.parts(DicomWebClient.given().accept(MULTIPART_OCTETS).get(instance + "/bulkdata/7FE00010"));
        assertThat(pixels.get(0).headers().split("\r\n")).contains("Content-Location: " + uri);
        List<DicomWebClient.Part> ranged = DicomWebClient.parts(DicomWebClient.given().accept(MULTIPART_OCTETS)
                .header("Range", "bytes=0-9").get(instance + "/bulkdata/7FE00010"));
        assertThat(ranged.get(0).headers().split("\r\n")).contains("Content-Location: " + uri);
    }

    /**
     * Instance resources asked for as octet-stream answer their bulk data (PS3.18 Table 10.4.4-1:
     * "equivalent to requesting the corresponding Bulkdata Resource"), as do the bulk data
     * resources of the instance, series and study: every BulkDataURI of the metadata, one part each.
     */
    @Test
    void instancesAskedForAsOctetsAnswerTheirBulkData() {
        List<String> uris = DicomWebClient.given().accept("application/dicom+json").get(instance + "/metadata").jsonPath()
                .getList("[0].findAll { it.value.BulkDataURI != null }.collect { it.value.BulkDataURI }", String.class);
        assertThat(uris).isNotEmpty();
        String series = instance.substring(0, instance.indexOf("/instances/"));
        String study = series.substring(0, series.indexOf("/series/"));
        for (String resource : List.of(instance, instance + "/bulkdata", series + "/bulkdata", study + "/bulkdata", study)) {
            Response r = DicomWebClient.given().accept(MULTIPART_OCTETS).get(resource);
            assertThat(r.statusCode()).as(resource).isEqualTo(200);
            assertThat(r.contentType()).as(resource).startsWith("multipart/related").contains("application/octet-stream");
            List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
            assertThat(parts.stream().map(p -> java.util.Arrays.stream(p.headers().split("\r\n"))
                    .filter(h -> h.startsWith("Content-Location: ")).findFirst().orElseThrow().substring(18)).toList())
                    .as(resource).containsExactlyInAnyOrderElementsOf(uris);
            DicomWebClient.Part pixels = parts.stream().filter(p -> p.headers().contains("/bulkdata/7FE00010")).findFirst().orElseThrow();
            assertThat(pixels.content()).isEqualTo(frame);
        }
        assertThat(DicomWebClient.given().accept("application/dicom").get(study + "/bulkdata").statusCode()).isEqualTo(406);
    }

    @Test
    void aSingleBodyAndItsRanges() {
        Response whole = DicomWebClient.given().accept("application/octet-stream").get(instance + "/frames/1");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.contentType()).startsWith("application/octet-stream");
        assertThat(whole.asByteArray()).isEqualTo(frame);

        Response tail = DicomWebClient.given().accept("application/octet-stream").header("Range", "bytes=-10").get(instance + "/frames/1");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.header("Content-Range")).isEqualTo("bytes 8182-8191/8192");
        assertThat(tail.asByteArray()).isEqualTo(Arrays.copyOfRange(frame, 8182, 8192));

        Response open = DicomWebClient.given().accept("application/octet-stream").header("Range", "bytes=8000-")
                .get(instance + "/bulkdata/7FE00010");
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.header("Content-Range")).isEqualTo("bytes 8000-8191/8192");
        assertThat(open.asByteArray()).isEqualTo(Arrays.copyOfRange(frame, 8000, 8192));
    }

    @Test
    void beyondTheEndIs416AndWhatVeilDoesNotServeGetsTheWhole() {
        Response beyond = DicomWebClient.given().accept(MULTIPART_OCTETS).header("Range", "bytes=9000-9100").get(instance + "/frames/1");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.header("Content-Range")).isEqualTo("bytes */8192");
        assertThat(beyond.jsonPath().getString("reason")).contains("8192");

        Response several = DicomWebClient.given().accept(MULTIPART_OCTETS).header("Range", "bytes=0-1,5-6").get(instance + "/frames/1");
        assertThat(several.statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.parts(several).get(0).content()).isEqualTo(frame);
        Response words = DicomWebClient.given().accept(MULTIPART_OCTETS).header("Range", "lines=1-2").get(instance + "/frames/1");
        assertThat(words.statusCode()).isEqualTo(200);
    }
}
