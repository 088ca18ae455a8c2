package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;

/**
 * Stored bytes sent from reused direct buffers ({@link DirectFileOutput}): every byte in its
 * place when responses run side by side and buffers go from one response to the next, when a
 * range starts and ends inside a buffer, and after a client that stopped reading went away.
 * Each instance has pixels of its own (random, seeded), so a buffer sent with another
 * response's bytes, or sent again before it was refilled, would show.
 */
@QuarkusTest
class DirectFileOutputTest {
    private static final String ALL_SYNTAXES = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static final int STUDIES = 4;
    private static final int PER_STUDY = 6;
    private static final String PREFIX = "2.25.5151" + System.nanoTime() % 1_000_000;
    /** The stored files, by study: six 512x512 CT slices of 525 KB each, so 3 MB per study. */
    private static final List<List<byte[]>> STORED = new ArrayList<>();

    @BeforeEach
    void store() throws Exception {
        if (!STORED.isEmpty()) {
            return;
        }
        byte[] ct = java.nio.file.Files.readAllBytes(TestData.file("real/CT-MONO2-16-ankle.dcm"));
        Random random = new Random(5151);
        for (int s = 0; s < STUDIES; s++) {
            String study = PREFIX + "." + s;
            List<byte[]> files = new ArrayList<>();
            for (int i = 0; i < PER_STUDY; i++) {
                byte[] file = Part10Editor.read(ct).set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, study + ".1")
                        .set(Tag.SOPInstanceUID, study + ".1." + (i + 1)).set(Tag.InstanceNumber, Integer.toString(i + 1)).toBytes();
                // The 512x512 16-bit Pixel Data value is the file's last 524,288 bytes.
                byte[] pixels = new byte[512 * 512 * 2];
                random.nextBytes(pixels);
                System.arraycopy(pixels, 0, file, file.length - pixels.length, pixels.length);
                files.add(file);
            }
            assertThat(DicomWebClient.stow(files.toArray(byte[][]::new)).statusCode()).isEqualTo(200);
            STORED.add(files);
        }
    }

    @Test
    void studiesRetrievedSideBySideKeepEveryByteInPlace() throws Exception {
        long sentBefore = DirectFileOutput.bytesSent();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int s = 0; s < STUDIES; s++) {
                    int study = s;
                    pending.add(clients.submit(() -> {
                        assertStudyAsStored(study);
                        return null;
                    }));
                }
            }
            for (Future<?> f : pending) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
        // Each of the 72 slices sent but its first 64 KiB and its header from direct buffers
        // (the first slice of a response goes through the stream up to 64 KiB, to commit the head).
        assertThat(DirectFileOutput.bytesSent() - sentBefore).as("bytes sent from direct buffers")
                .isGreaterThan(3L * STUDIES * PER_STUDY * (512 * 512 * 2 - 64 * 1024));
    }

    @Test
    void aFrameAndRangesInsideIt() {
        String instance = "/dicomweb/studies/" + PREFIX + ".1/series/" + PREFIX + ".1.1/instances/" + PREFIX + ".1.1.3";
        byte[] file = STORED.get(1).get(2);
        byte[] frame = Arrays.copyOfRange(file, file.length - 512 * 512 * 2, file.length);

        Response whole = DicomWebClient.given().accept("application/octet-stream").get(instance + "/frames/1");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.asByteArray()).isEqualTo(frame);

        // A single body over 256 KiB: its first 64 KiB through the stream (which commits the
        // head), the rest from direct buffers, starting at an odd offset.
        long sentBefore = DirectFileOutput.bytesSent();
        Response middle = DicomWebClient.given().accept("application/octet-stream").header("Range", "bytes=100001-499998")
                .get(instance + "/frames/1");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.header("Content-Range")).isEqualTo("bytes 100001-499998/524288");
        assertThat(middle.asByteArray()).isEqualTo(Arrays.copyOfRange(frame, 100001, 499999));
        assertThat(DirectFileOutput.bytesSent() - sentBefore).isEqualTo(399998 - 64 * 1024);

        // A single body of 64 to 256 KiB keeps its Content-Length, as the stream gave it.
        Response shorter = DicomWebClient.given().accept("application/octet-stream").header("Range", "bytes=100000-299999")
                .get(instance + "/frames/1");
        assertThat(shorter.statusCode()).isEqualTo(206);
        assertThat(shorter.header("Content-Length")).isEqualTo("200000");
        assertThat(shorter.header("Transfer-Encoding")).isNull();
        assertThat(shorter.asByteArray()).isEqualTo(Arrays.copyOfRange(frame, 100000, 300000));

        // Under the smallest range sent from a direct buffer: through the stream, the same bytes.
        Response small = DicomWebClient.given().accept("application/octet-stream").header("Range", "bytes=500000-500999")
                .get(instance + "/bulkdata/7FE00010");
        assertThat(small.statusCode()).isEqualTo(206);
        assertThat(small.asByteArray()).isEqualTo(Arrays.copyOfRange(frame, 500000, 501000));
    }

    @Test
    void anHttp10ClientGetsTheWholeBodyWithoutChunks() throws Exception {
        // HTTP/1.0 has no chunks: the body ends where the server closes the connection. (With
        // Host, as HTTP/1.0 clients send it: Veil refuses a request without one, RawQueryCharactersTest.)
        byte[] file = STORED.get(2).get(4);
        byte[] frame = Arrays.copyOfRange(file, file.length - 512 * 512 * 2, file.length);
        long sentBefore = DirectFileOutput.bytesSent();
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(60_000); // a body that never ends fails the test instead of hanging it
            s.getOutputStream().write(("GET /dicomweb/studies/" + PREFIX + ".2/series/" + PREFIX + ".2.1/instances/" + PREFIX
                    + ".2.1.5/frames/1 HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: application/octet-stream\r\nAuthorization: Bearer "
                    + TestTokens.treatingClinician() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
            assertThat(head).startsWith("http/1.0 200").doesNotContain("transfer-encoding");
            assertThat(Arrays.copyOfRange(all, end + 4, all.length)).isEqualTo(frame);
        }
        assertThat(DirectFileOutput.bytesSent() - sentBefore).as("sent from direct buffers after the first 64 KiB")
                .isEqualTo(frame.length - 64 * 1024);
    }

    @Test
    void aClientThatStopsReadingAndGoesAwayLeavesTheServerServing() throws Exception {
        // 8.4 MB: more than the kernel's socket buffers take (tcp_wmem's 4 MiB at most), so the
        // server is still sending when the client goes.
        String large = PREFIX + ".99";
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            files.add(Part10Editor.read(STORED.get(0).get(0)).set(Tag.StudyInstanceUID, large).set(Tag.SeriesInstanceUID, large + ".1")
                    .set(Tag.SOPInstanceUID, large + ".1." + (i + 1)).toBytes());
        }
        assertThat(DicomWebClient.stow(files.toArray(byte[][]::new)).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            try (Socket s = new Socket()) {
                // A small window, so that the server's writes wait on this client rather than
                // landing in the kernel's buffers: its buffers in flight reach their bound.
                s.setReceiveBufferSize(8 * 1024);
                s.connect(new InetSocketAddress("127.0.0.1", RestAssured.port));
                OutputStream out = s.getOutputStream();
                out.write(("GET /dicomweb/studies/" + large + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + ALL_SYNTAXES
                        + "\r\nAuthorization: Bearer " + TestTokens.treatingClinician() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] some = in.readNBytes(100_000);
                assertThat(new String(some, 0, 12, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
                Thread.sleep(1500);
                s.setSoLinger(true, 0);
            }
        }
        // Every buffer of the abandoned responses comes back: the writes they were waiting on
        // failed when the connections went.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (DirectFileOutput.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(DirectFileOutput.inFlight()).as("buffers still handed to the socket").isZero();
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            for (int s = 0; s < STUDIES; s++) {
                int study = s;
                client.submit(() -> {
                    assertStudyAsStored(study);
                    return null;
                }).get(2, TimeUnit.MINUTES);
            }
        } finally {
            client.shutdownNow();
        }
    }

    private static void assertStudyAsStored(int study) {
        Response r = DicomWebClient.given().accept(ALL_SYNTAXES).get("/dicomweb/studies/" + PREFIX + "." + study);
        assertThat(r.statusCode()).isEqualTo(200);
        List<DicomWebClient.Part> parts = DicomWebClient.parts(r);
        assertThat(parts).hasSize(PER_STUDY);
        List<byte[]> stored = STORED.get(study);
        for (int i = 0; i < PER_STUDY; i++) {
            byte[] got = parts.get(i).content();
            assertThat(stored.stream().anyMatch(f -> Arrays.equals(f, got)))
                    .as("part %d of study %d is one of the study's stored files, byte for byte", i, study).isTrue();
        }
        assertThat(parts.stream().map(p -> Arrays.hashCode(p.content())).distinct().count())
                .as("every stored file once").isEqualTo(PER_STUDY);
    }
}
