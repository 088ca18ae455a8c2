package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.index.StoredInstance;

/** WADO metadata is read from the index in chunks bounded by count and by bytes, so that no answer holds a series' metadata at once. */
class MetadataChunksTest {
    private static StoredInstance withMetadata(long id, long bytes) {
        return new StoredInstance(id, "2.25.1", "2.25.1.1", "2.25.1.1." + id, "1.2.840.10008.1.2.1", "k" + id, 1000, 0, "", "", bytes);
    }

    @Test
    void smallMetadataGoesByCount() {
        List<StoredInstance> five = List.of(withMetadata(1, 10), withMetadata(2, 10), withMetadata(3, 10), withMetadata(4, 10), withMetadata(5, 10));
        assertThat(RetrieveService.metadataChunks(five, 2, 1_000)).containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L));
    }

    @Test
    void largeMetadataGoesByBytesAndAnOversizedOneAlone() {
        List<StoredInstance> mixed = List.of(withMetadata(1, 400), withMetadata(2, 400), withMetadata(3, 400), withMetadata(4, 5_000),
                withMetadata(5, 10));
        assertThat(RetrieveService.metadataChunks(mixed, 200, 1_000))
                .containsExactly(List.of(1L, 2L), List.of(3L), List.of(4L), List.of(5L));
        assertThat(RetrieveService.metadataChunks(List.of(), 200, 1_000)).isEmpty();
    }
}
