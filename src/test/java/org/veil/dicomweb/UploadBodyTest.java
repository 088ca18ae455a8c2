package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The slow-upload check counts time spent waiting for the client, window by window. */
class UploadBodyTest {

    /** One byte a read, after a pause: a client trickling its body. */
    private static InputStream trickle(long pauseMillis) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                // as a socket does: what has arrived, here one byte, not a full buffer
                b[off] = (byte) read();
                return 1;
            }
        };
    }

    @Test
    void aFastStartEarnsNoTrickling() {
        // 1 MB at once, then a byte every 150 ms: the average since the start stays high for a long
        // time, but the window after the grace holds a few bytes, far under the rate.
        InputStream body = new UploadBody(new SequenceInputStream(new ByteArrayInputStream(new byte[1 << 20]), trickle(150)),
                1_000, Duration.ofMillis(400));
        assertThatThrownBy(() -> {
            byte[] buffer = new byte[64 * 1024];
            for (int i = 0; i < 100; i++) {
                if (body.read(buffer) < 0) {
                    break;
                }
            }
        }).isInstanceOf(UploadBody.Stalled.class).hasMessageContaining("slower than 1000 bytes a second");
    }

    @Test
    void aBodyAtTheRateIsReadWhole() throws IOException {
        InputStream body = new UploadBody(new ByteArrayInputStream(new byte[3 << 20]), 1_000, Duration.ofMillis(1));
        assertThat(body.readAllBytes()).hasSize(3 << 20);
    }

    @Test
    void aFailingReadIsTheClients() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> new UploadBody(broken, 1_000, Duration.ofSeconds(60)).read())
                .isInstanceOf(UploadBody.Stalled.class).hasMessage("the request body stopped arriving before its end");
    }
}
