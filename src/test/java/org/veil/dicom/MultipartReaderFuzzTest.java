package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A STOW body is untrusted framing (RFC 2046 5.1, RFC 2387). Whatever its bytes, the reader
 * yields parts whose sizes add up to no more than the body, or refuses it with a
 * {@link MalformedMultipartException} and a reason; and what a well-behaved writer framed reads
 * back part for part. The fuzzer chooses the boundary, then either raw body bytes or the parts to
 * frame, so both the happy path and the hostile one are explored from one corpus.
 */
class MultipartReaderFuzzTest {
    private static final String BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

    @FuzzTest(maxDuration = "10s")
    void anyBodyYieldsBoundedPartsOrARefusal(FuzzedDataProvider data) throws IOException {
        String boundary = boundary(data);
        boolean framed = data.consumeBoolean();
        if (framed) {
            roundTrip(data, boundary);
            return;
        }
        byte[] body = data.consumeRemainingAsBytes();
        long maxPart = 4096;
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), boundary, maxPart, body.length);
        long total = 0;
        try {
            while (reader.nextPart() != null) {
                ByteArrayOutputStream part = new ByteArrayOutputStream();
                long copied = reader.copyPartTo(part);
                assertThat(copied).isEqualTo(part.size()).isLessThanOrEqualTo(maxPart);
                total += copied;
                assertThat(total).as("parts never add up to more than the body").isLessThanOrEqualTo(body.length);
            }
        } catch (MalformedMultipartException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    private static void roundTrip(FuzzedDataProvider data, String boundary) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        int count = data.consumeInt(1, 5);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < count; i++) {
            byte[] part = data.consumeBytes(data.consumeInt(0, 512));
            if (contains(part, delimiter) || contains(part, Arrays.copyOfRange(delimiter, 2, delimiter.length))) {
                return; // a part that holds the boundary cannot be framed with it (RFC 2046 5.1.1)
            }
            parts.add(part);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        MultipartWriter writer = new MultipartWriter(body, boundary);
        for (byte[] part : parts) {
            writer.startPart("application/dicom");
            writer.stream().write(part);
        }
        writer.finish();
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body.toByteArray()), boundary, 1024, body.size());
        List<byte[]> read = new ArrayList<>();
        Map<String, String> headers;
        try {
            while ((headers = reader.nextPart()) != null) {
                assertThat(headers).containsEntry("content-type", "application/dicom");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                reader.copyPartTo(out);
                read.add(out.toByteArray());
            }
        } catch (MalformedMultipartException e) {
            throw new AssertionError("a body framed by MultipartWriter was refused: " + e.getMessage(), e);
        }
        assertThat(read).hasSize(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            assertThat(read.get(i)).as("part %d", i).isEqualTo(parts.get(i));
        }
    }

    /** 1 to 70 characters of RFC 2046's bchars, not ending in a space. */
    private static String boundary(FuzzedDataProvider data) {
        int length = data.consumeInt(1, 70);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(BCHARS.charAt(data.consumeInt(0, BCHARS.length() - (i == length - 1 ? 2 : 1))));
        }
        return b.toString();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
