package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicomweb.DicomWebClient;

/**
 * A 512 MB instance is stored and retrieved by a server whose heap is capped at 96 MB: bodies
 * stream to disk and back, never through the heap whole.
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
