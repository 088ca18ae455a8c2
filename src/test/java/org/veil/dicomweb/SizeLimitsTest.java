package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.TestData;

/** Oversized parts and bodies get 413 with the limit named, and nothing is kept. */
@QuarkusTest
@TestProfile(SizeLimitsTest.SmallLimits.class)
class SizeLimitsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veil.dicomweb.max-part-bytes", "100000", "veil.dicomweb.max-request-bytes", "250000");
        }
    }

    private final IndexReset index = new IndexReset();


    @Test
    void partOverTheLimitIsRefused() throws Exception {
        StoreState before = StoreState.of(index);
        // A body within the request limit whose one part is over the part limit (its content does not matter).
        byte[] part = java.util.Arrays.copyOf(TestData.bytes("pydicom/CT_small.dcm"), 150_000);
        Response r = DicomWebClient.stow(part);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.jsonPath().getString("reason")).contains("part exceeds the size limit of 100000 bytes");
        assertThat(StoreState.of(index)).isEqualTo(before);
    }

    @Test
    void bodyOverTheLimitIsRefusedEvenWhenEachPartFits() throws Exception {
        StoreState before = StoreState.of(index);
        byte[] small = TestData.bytes("pydicom/CT_small.dcm");
        Response r = DicomWebClient.stowTo("/dicomweb/studies", List.of(small, small, small, small, small, small, small, small,
                small, small, small, small, small, small, small, small, small, small, small, small, small, small, small, small,
                small, small, small, small, small, small, small, small, small, small, small, small, small, small, small, small)
                .toArray(byte[][]::new));
        assertThat(r.statusCode()).isEqualTo(413);
        // Refused on its declared Content-Length, before a byte of it is read (dicomweb.HttpBoundary).
        assertThat(r.jsonPath().getString("reason")).contains("larger than 250000 bytes");
        assertThat(StoreState.of(index)).isEqualTo(before);
    }
}
