package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.TempTree;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;

/**
 * Rendered and thumbnail resources against dcmtk: for the same frame and window, Veil's PNG has
 * exactly dcmj2pnm's pixels (modality rescale, VOI window, palette colour); JPEG within a few
 * levels; viewports, formats, levels, failures; and a de-identified caller's rendering comes from
 * the cleaned derivative, with the ultrasound's burned-in rows black.
 */
@QuarkusTest
class RenderedTest {
    private static final String CT = "2.25.7171001";
    private static final String US = "2.25.7171002";
    private static final String JLS = "2.25.7171003";
    private static final String JPEG12 = "2.25.7171004";
    private static boolean stored;

    private final IndexReset index = new IndexReset();

    @BeforeEach
    void store() throws Exception {
        if (stored) {
            return;
        }
        assertThat(DicomWebClient.stow(instance("real/CT-MONO2-16-ankle.dcm", CT, 1), instance("real/CT-MONO2-16-ankle.dcm", CT, 2),
                instance("pydicom/JPEGLSNearLossless_16.dcm", JLS, 1)).statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.stow(instance("real/US-PAL-8-10x-echo.dcm", US, 1)).statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.stow(instance("pydicom/JPGExtended.dcm", JPEG12, 1)).statusCode()).isEqualTo(200);
        stored = true;
    }

    private static byte[] instance(String file, String study, int n) throws Exception {
        return Part10Editor.read(TestData.file(file)).set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, study + ".1")
                .set(Tag.SOPInstanceUID, study + ".1." + n).set(Tag.PatientID, "RENDER-" + study).toBytes();
    }

    private static String path(String study, int n) {
        return "/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1." + n;
    }

    @ParameterizedTest(name = "{0} frame {1} window {2}")
    @CsvSource({
            "real/CT-MONO2-16-ankle.dcm, 1, ''",
            "real/CT-MONO2-16-ankle.dcm, 1, '400,1500'",
            "real/CT-MONO2-16-ankle.dcm, 1, '40,80'",
            "real/US-PAL-8-10x-echo.dcm, 1, ''",
            "real/US-PAL-8-10x-echo.dcm, 5, ''",
            "real/US-PAL-8-10x-echo.dcm, 10, ''"})
    void pngHasDcmtksPixels(String file, int frame, String window) throws Exception {
        String study = file.contains("US") ? US : CT;
        String query = window.isEmpty() ? "" : "?window=" + window;
        Response r = DicomWebClient.given().accept("image/png").get(path(study, 1) + "/frames/" + frame + "/rendered" + query);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("image/png");
        BufferedImage veil = ImageIO.read(new ByteArrayInputStream(r.asByteArray()));
        BufferedImage dcmtk = dcmj2pnm(file, frame, window);
        assertThat(maxDifference(veil, dcmtk)).isZero();
    }

    @Test
    void jpegIsTheDefaultAndCloseToDcmtk() throws Exception {
        Response r = DicomWebClient.given().accept("*/*").get(path(CT, 1) + "/rendered?quality=95");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("image/jpeg");
        BufferedImage veil = ImageIO.read(new ByteArrayInputStream(r.asByteArray()));
        assertThat(meanDifference(veil, dcmj2pnm("real/CT-MONO2-16-ankle.dcm", 1, ""))).isLessThan(2.0);
        Response gif = DicomWebClient.given().accept("image/gif").get(path(CT, 1) + "/rendered");
        assertThat(gif.contentType()).isEqualTo("image/gif");
        assertThat(ImageIO.read(new ByteArrayInputStream(gif.asByteArray())).getWidth()).isEqualTo(512);
    }

    @Test
    void viewportAndThumbnailsScaleToFit() throws Exception {
        BufferedImage small = image(DicomWebClient.given().accept("image/png").get(path(US, 1) + "/rendered?viewport=300,300"));
        assertThat(small.getWidth()).isEqualTo(300);
        assertThat(small.getHeight()).isEqualTo(215);
        for (String level : List.of("/dicomweb/studies/" + CT, "/dicomweb/studies/" + CT + "/series/" + CT + ".1", path(CT, 2),
                path(US, 1) + "/frames/3")) {
            Response t = DicomWebClient.given().accept("image/jpeg").get(level + "/thumbnail");
            assertThat(t.statusCode()).as(level).isEqualTo(200);
            BufferedImage thumb = image(t);
            assertThat(Math.max(thumb.getWidth(), thumb.getHeight())).as(level).isEqualTo(128);
        }
    }

    @Test
    void seriesAndMultiFrameInstancesAreMultipart() {
        Response series = DicomWebClient.given().accept("multipart/related; type=\"image/png\"")
                .get("/dicomweb/studies/" + US + "/series/" + US + ".1/rendered");
        assertThat(series.statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.parts(series)).hasSize(1);
        Response frames = DicomWebClient.given().accept("multipart/related; type=\"image/jpeg\"").get(path(US, 1) + "/rendered");
        List<DicomWebClient.Part> parts = DicomWebClient.parts(frames);
        assertThat(parts).hasSize(10).allSatisfy(p -> assertThat(p.contentType()).isEqualTo("image/jpeg"));
        Response one = DicomWebClient.given().accept("multipart/related; type=\"image/jpeg\"").get(path(US, 1) + "/frames/3/rendered");
        assertThat(one.statusCode()).as("one frame as a multipart of one").isEqualTo(200);
        assertThat(DicomWebClient.parts(one)).hasSize(1);
        assertThat(DicomWebClient.given().accept("image/jpeg").get("/dicomweb/studies/" + US + "/rendered").statusCode())
                .isEqualTo(406);
        // several frames are one image each, whatever the client allows: all of them, not the first alone
        for (String accept : new String[] {"*/*", "multipart/related; type=\"image/jpeg\", image/jpeg"}) {
            Response three = DicomWebClient.given().accept(accept).get(path(US, 1) + "/frames/1,2,3/rendered");
            assertThat(three.statusCode()).as(accept).isEqualTo(200);
            assertThat(DicomWebClient.parts(three)).as(accept).hasSize(3);
        }
        Response single = DicomWebClient.given().accept("image/jpeg").get(path(US, 1) + "/frames/1,2,3/rendered");
        assertThat(single.statusCode()).as("three frames cannot be one image").isEqualTo(406);
        assertThat(single.jsonPath().getString("reason")).contains("multipart/related");
        // the accept query parameter stands for the header (PS3.18 8.3.3.1)
        Response linked = DicomWebClient.given().accept("image/jpeg").queryParam("accept", "multipart/related; type=\"image/png\"")
                .get(path(US, 1) + "/frames/1,2/rendered");
        assertThat(DicomWebClient.parts(linked)).hasSize(2).allSatisfy(p -> assertThat(p.contentType()).isEqualTo("image/png"));
    }

    /**
     * In a series of a CT, a report and a 12-bit JPEG (which Veil cannot decode), the series
     * renders the CT and leaves the other two out, and its thumbnail is the CT's, though the
     * middle instance is the report and the next one out the JPEG.
     */
    @Test
    void aSeriesRendersWhatItCanAndItsThumbnailIsAnImage() throws Exception {
        String mixed = "2.25.7171005";
        assertThat(DicomWebClient.stow(numbered("real/CT-MONO2-16-ankle.dcm", mixed, 1), numbered("pydicom/test-SR.dcm", mixed, 2),
                numbered("pydicom/JPGExtended.dcm", mixed, 3)).statusCode()).isEqualTo(200);
        String series = "/dicomweb/studies/" + mixed + "/series/" + mixed + ".1";
        Response all = DicomWebClient.given().accept("multipart/related; type=\"image/png\"").get(series + "/rendered?viewport=64,64");
        assertThat(all.statusCode()).as(all.asString()).isEqualTo(200);
        assertThat(DicomWebClient.parts(all)).hasSize(1);
        for (String level : List.of(series, "/dicomweb/studies/" + mixed)) {
            Response thumb = DicomWebClient.given().accept("image/png").get(level + "/thumbnail");
            assertThat(thumb.statusCode()).as(level + ": " + thumb.asString()).isEqualTo(200);
            assertThat(image(thumb).getWidth()).isEqualTo(128);
        }
    }

    private static byte[] numbered(String file, String study, int n) throws Exception {
        return Part10Editor.read(instance(file, study, n)).set(Tag.InstanceNumber, Integer.toString(n)).toBytes();
    }

    @Test
    void failuresAreStatusesWithReasons() {
        // 12-bit JPEG extended: Java's JPEG reader takes 8-bit only, so Veil cannot decode it.
        Response jpeg12 = DicomWebClient.given().accept("image/jpeg").get(path(JPEG12, 1) + "/rendered");
        assertThat(jpeg12.statusCode()).isEqualTo(501);
        assertThat(jpeg12.jsonPath().getString("reason")).contains("cannot be rendered");
        assertThat(DicomWebClient.given().accept("application/dicom").get(path(CT, 1) + "/rendered").statusCode()).isEqualTo(406);
        assertThat(DicomWebClient.given().accept("image/png").get(path(CT, 1) + "/frames/2/rendered").statusCode()).isEqualTo(404);
        for (String bad : List.of("window=abc,1", "window=40", "window=40,0", "window=40,80,cubic", "viewport=10,10,0,0,5,5",
                "quality=0", "quality=101", "colour=red")) {
            Response r = DicomWebClient.given().accept("image/png").get(path(CT, 1) + "/rendered?" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.jsonPath().getString("reason")).as(bad).isNotBlank();
        }
        // PS3.18 8.3.5.1.3 spells the function linear-exact; PS3.3's LINEAR_EXACT is taken too, the same.
        Response exact = DicomWebClient.given().accept("image/png").get(path(CT, 1) + "/rendered?window=40,80,linear-exact");
        assertThat(exact.statusCode()).as(exact.asString()).isEqualTo(200);
        assertThat(exact.asByteArray()).isEqualTo(DicomWebClient.given().accept("image/png")
                .get(path(CT, 1) + "/rendered?window=40,80,LINEAR_EXACT").asByteArray());
        // accept in the query stands for the header (PS3.18 8.3.3.1); iccprofile=no is what Veil does anyway
        Response png = DicomWebClient.given().accept("image/jpeg").get(path(CT, 1) + "/rendered?accept=image/png&iccprofile=no");
        assertThat(png.statusCode()).as(png.asString()).isEqualTo(200);
        assertThat(png.contentType()).startsWith("image/png");
        assertThat(DicomWebClient.given().get(path(CT, 1) + "/rendered?iccprofile=srgb").statusCode()).isEqualTo(400);
        // annotation is accepted and ignored
        assertThat(DicomWebClient.given().accept("image/png").get(path(CT, 1) + "/rendered?annotation=patient,technique")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aConsultantSeesTheCleanedUltrasound() throws Exception {
        RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid")).contentType("application/json")
                .body("{\"scopes\":[\"consultation\"],\"method\":\"written\"}").post("/api/v1/studies/" + US + "/consents");
        RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid")).contentType("application/json")
                .body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"consultant\"},\"expiresAt\":\""
                        + Instant.now().plus(1, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + US + "/shares");
        String token = TestTokens.of("consultant", "openid purpose:consultation");
        // The search builds the consultant's view; the reverse map then names the derived UIDs.
        assertThat(RestAssured.given().header("Authorization", "Bearer " + token).accept("application/dicom+json")
                .get("/dicomweb/studies?limit=1000").statusCode()).isEqualTo(200);
        List<String> uids = new ArrayList<>();
        for (String original : List.of(US, US + ".1", US + ".1.1")) {
            List<String> derived = index.strings("SELECT derived_uid FROM derived_uid WHERE original_uid = '" + original
                    + "' AND context LIKE 'share-%'");
            assertThat(derived).hasSize(1);
            uids.add(derived.get(0));
        }
        String cleanedPath = "/dicomweb/studies/" + uids.get(0) + "/series/" + uids.get(1) + "/instances/" + uids.get(2);
        BufferedImage cleaned = image(RestAssured.given().header("Authorization", "Bearer " + token).accept("image/png")
                .get(cleanedPath + "/frames/5/rendered"));
        BufferedImage original = image(DicomWebClient.given().accept("image/png").get(path(US, 1) + "/frames/5/rendered"));
        // The device rule blacks out the text column on the left (0,0,150,270): text in the original, none in the copy.
        assertThat(maxValue(original.getData(), 0, 0, 150, 270)).isGreaterThan(100);
        assertThat(maxValue(cleaned.getData(), 0, 0, 150, 270)).isZero();
        // Outside it the image is the same.
        assertThat(maxValue(original.getData(), 200, 100, 300, 200)).isEqualTo(maxValue(cleaned.getData(), 200, 100, 300, 200));
        // The original UID from the consultant is an unknown study.
        assertThat(RestAssured.given().header("Authorization", "Bearer " + token).accept("image/png")
                .get(path(US, 1) + "/frames/5/rendered").statusCode()).isEqualTo(404);
    }

    /** JPEG-LS, decoded by CharLS, renders as dcmtk renders the same frame after its own JPEG-LS decoder (dcmdjpls), within a level. */
    @Test
    void jpegLsRendersAsDcmtkDecodesIt() throws Exception {
        Response r = DicomWebClient.given().accept("image/png").get(path(JLS, 1) + "/frames/1/rendered");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        BufferedImage veil = ImageIO.read(new ByteArrayInputStream(r.asByteArray()));
        Path dir = Files.createTempDirectory("veil-jls");
        try {
            Path plain = dir.resolve("plain.dcm");
            Process p = new ProcessBuilder("dcmdjpls", TestData.file("pydicom/JPEGLSNearLossless_16.dcm").toString(), plain.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(log).isZero();
            Path out = dir.resolve("out.png");
            Process q = new ProcessBuilder("dcmj2pnm", "+on", plain.toString(), out.toString()).redirectErrorStream(true).start();
            String log2 = new String(q.getInputStream().readAllBytes());
            assertThat(q.waitFor()).as(log2).isZero();
            // Without a window in the header both take the frame's range; dcmtk rounds its 16-bit to
            // 8-bit mapping differently from PixelMed, by at most one level.
            assertThat(maxDifference(veil, ImageIO.read(out.toFile()))).isLessThanOrEqualTo(1);
        } finally {
            TempTree.delete(dir);
        }
    }

    private static BufferedImage image(Response r) throws Exception {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return ImageIO.read(new ByteArrayInputStream(r.asByteArray()));
    }

    /** dcmtk's rendering of a frame: the given window, or the instance's first where it has one (the palette ultrasound has none). */
    private static BufferedImage dcmj2pnm(String file, int frame, String window) throws Exception {
        Path dir = Files.createTempDirectory("veil-render");
        try {
            Path out = dir.resolve("out.png");
            List<String> command = new ArrayList<>(List.of("dcmj2pnm", "+on", "+F", Integer.toString(frame)));
            if (window.isEmpty() && !file.contains("US-PAL")) {
                command.addAll(List.of("+Wi", "1"));
            } else if (!window.isEmpty()) {
                String[] cw = window.split(",");
                command.addAll(List.of("+Ww", cw[0], cw[1]));
            }
            command.addAll(List.of(TestData.file(file).toString(), out.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(log).isZero();
            return ImageIO.read(out.toFile());
        } finally {
            TempTree.delete(dir);
        }
    }

    private static int maxDifference(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        int max = 0;
        for (int band = 0; band < Math.min(a.getRaster().getNumBands(), b.getRaster().getNumBands()); band++) {
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    max = Math.max(max, Math.abs(a.getRaster().getSample(x, y, band) - b.getRaster().getSample(x, y, band)));
                }
            }
        }
        return max;
    }

    private static double meanDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                sum += Math.abs(a.getRaster().getSample(x, y, 0) - b.getRaster().getSample(x, y, 0));
            }
        }
        return (double) sum / (a.getWidth() * a.getHeight());
    }

    private static int maxValue(Raster r, int x0, int y0, int w, int h) {
        int max = 0;
        for (int band = 0; band < r.getNumBands(); band++) {
            for (int y = y0; y < Math.min(r.getHeight(), y0 + h); y++) {
                for (int x = x0; x < Math.min(r.getWidth(), x0 + w); x++) {
                    max = Math.max(max, r.getSample(x, y, band));
                }
            }
        }
        return max;
    }
}
