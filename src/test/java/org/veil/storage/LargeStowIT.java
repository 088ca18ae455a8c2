package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.VeilProcess;
import org.veil.security.TestTokens;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;

/**
 * Large bodies stream through a server whose heap is capped at 96 MB: a 512 MB instance, and a
 * 1,000-instance study of about 525 MB retrieved whole, with its metadata.
 */
class LargeStowIT {
    private static final long PIXELS = 512L * 1024 * 1024;

    private VeilProcess veil;

    @BeforeEach
    void start() throws Exception {
        veil = VeilProcess.started("-Xmx96m");
    }

    @AfterEach
    void stop() throws Exception {
        veil.close();
    }

    @Test
    void halfAGigabyteInstanceStreamsThroughASmallHeap() throws Exception {
        byte[] header = headerWithPixelDataOf(PIXELS);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        HttpURLConnection post = (HttpURLConnection) URI.create(veil.base() + "/dicomweb/studies").toURL().openConnection();
        post.setDoOutput(true);
        post.setChunkedStreamingMode(64 * 1024);
        post.setRequestMethod("POST");
        post.setRequestProperty("Authorization", "Bearer " + TestTokens.treatingClinician());
        post.setRequestProperty("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY);
        try (OutputStream out = post.getOutputStream()) {
            out.write(("--" + DicomWebClient.BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(header);
            sent.update(header);
            byte[] chunk = new byte[1024 * 1024];
            for (long n = 0; n < PIXELS; n += chunk.length) {
                Arrays.fill(chunk, (byte) (n >>> 20));
                out.write(chunk);
                sent.update(chunk);
            }
            out.write(("\r\n--" + DicomWebClient.BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(post.getResponseCode()).isEqualTo(200);

        HttpURLConnection get = (HttpURLConnection) URI.create(veil.base()
                + "/dicomweb/studies/1.3.6.1.4.1.5962.1.2.4.20040826185059.5457").toURL().openConnection();
        get.setRequestProperty("Authorization", "Bearer " + TestTokens.treatingClinician());
        get.setRequestProperty("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        assertThat(get.getResponseCode()).isEqualTo(200);
        long received = 0;
        try (InputStream in = get.getInputStream()) {
            byte[] buf = new byte[1024 * 1024];
            int k;
            while ((k = in.read(buf)) > 0) {
                received += k;
            }
        }
        assertThat(received).isGreaterThan(PIXELS + header.length);
        Path stored;
        try (Stream<Path> s = Files.walk(veil.storage().resolve("objects"))) {
            stored = s.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        assertThat(stored.getFileName().toString()).isEqualTo(java.util.HexFormat.of().formatHex(sent.digest()));
    }

    @Test
    void thousandInstanceStudyStreamsThroughASmallHeap() throws Exception {
        String study = "2.25.66";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long storedBytes = 0;
        List<byte[]> batch = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            batch.add(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm"))
                    .set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, study + "." + (i % 4))
                    .set(Tag.SOPInstanceUID, study + "." + (i % 4) + "." + i).toBytes());
            storedBytes += batch.get(batch.size() - 1).length;
            if (batch.size() == 50) {
                var r = http.send(veil.request("/dicomweb/studies")
                        .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(batch))).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(r.statusCode()).isEqualTo(200);
                batch.clear();
            }
        }
        HttpURLConnection get = (HttpURLConnection) URI.create(veil.base() + "/dicomweb/studies/" + study).toURL().openConnection();
        get.setRequestProperty("Authorization", "Bearer " + TestTokens.treatingClinician());
        get.setRequestProperty("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        assertThat(get.getResponseCode()).isEqualTo(200);
        String boundary = get.getContentType().replaceAll(".*boundary=", "");
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        long received = 0;
        int delimiters = 0;
        try (InputStream in = new BufferedInputStream(get.getInputStream(), 1 << 20)) {
            int matched = 0;
            int b;
            while ((b = in.read()) >= 0) {
                received++;
                matched = b == delimiter[matched] ? matched + 1 : (b == delimiter[0] ? 1 : 0);
                if (matched == delimiter.length) {
                    delimiters++;
                    matched = 0;
                }
            }
        }
        assertThat(delimiters).as("1,000 parts and the closing delimiter").isEqualTo(1001);
        assertThat(received).isGreaterThan(storedBytes);

        var metadata = http.send(veil.request("/dicomweb/studies/" + study + "/metadata")
                .header("Accept", "application/dicom+json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(metadata.body()).size()).isEqualTo(1000);
    }

    /** MR_small.dcm up to its Pixel Data, followed by an OW Pixel Data header of the given length. */
    private static byte[] headerWithPixelDataOf(long length) {
        byte[] mr = TestData.bytes("pydicom/MR_small.dcm");
        byte[] pixelTag = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0};
        for (int i = mr.length - pixelTag.length; i > 132; i--) {
            if (Arrays.equals(Arrays.copyOfRange(mr, i, i + pixelTag.length), pixelTag)) {
                ByteBuffer b = ByteBuffer.allocate(i + 12).order(ByteOrder.LITTLE_ENDIAN);
                b.put(mr, 0, i + 8).putInt((int) length);
                return b.array();
            }
        }
        throw new IllegalStateException("no OW Pixel Data in the sample");
    }
}
