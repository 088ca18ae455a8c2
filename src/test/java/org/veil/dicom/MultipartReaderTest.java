package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartReaderTest {

    private static List<String> read(String body, String boundary, long maxPart) throws Exception {
        return read(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), boundary, maxPart);
    }

    private static List<String> read(InputStream in, String boundary, long maxPart) throws Exception {
        MultipartReader r = new MultipartReader(in, boundary, maxPart, Long.MAX_VALUE);
        List<String> parts = new ArrayList<>();
        Map<String, String> headers;
        while ((headers = r.nextPart()) != null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            r.copyPartTo(out);
            parts.add(headers.get("content-type") + "|" + out.toString(StandardCharsets.ISO_8859_1));
        }
        return parts;
    }

    @Test
    void readsPartsWithPreambleAndTransportPadding() throws Exception {
        String body = "preamble\r\n--b  \r\nContent-Type: application/dicom\r\n\r\nfirst\r\n--b\r\n"
                + "Content-Type: application/dicom\r\n\r\nsec\r\nond\r\n--b--\r\nepilogue";
        assertThat(read(body, "b", 100)).containsExactly("application/dicom|first", "application/dicom|sec\r\nond");
    }

    @Test
    void contentThatResemblesTheBoundaryIsKept() throws Exception {
        assertThat(read("--bb\r\n\r\nx\r\n--b not yet\r\n--bb--", "bb", 100)).containsExactly("null|x\r\n--b not yet");
    }

    @Test
    void partsLargerThanTheBufferStreamThrough() throws Exception {
        byte[] big = new byte[1_000_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("--q\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(big);
        body.writeBytes("\r\n--q--".getBytes(StandardCharsets.ISO_8859_1));
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body.toByteArray()), "q", 2_000_000, 3_000_000);
        assertThat(r.nextPart()).isEmpty();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(r.copyPartTo(out)).isEqualTo(big.length);
        assertThat(out.toByteArray()).isEqualTo(big);
        assertThat(r.nextPart()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "no boundary here", "--b\r\n\r\nunterminated", "--b\r\nheader without end", "--bX\r\n\r\n"})
    void malformedBodiesAreRefused(String body) {
        assertThatThrownBy(() -> read(body, "b", 100)).isInstanceOf(MalformedMultipartException.class);
    }

    @Test
    void partOverTheLimitIsTooLarge() {
        assertThatThrownBy(() -> read("--b\r\n\r\n0123456789\r\n--b--", "b", 5))
                .isInstanceOf(PayloadTooLargeException.class).hasMessageContaining("5 bytes");
    }
}
