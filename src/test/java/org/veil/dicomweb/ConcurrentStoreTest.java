package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/** Parallel STOWs into one study and series leave exact rows and counts, and no deadlock. */
@QuarkusTest
class ConcurrentStoreTest {
    private final IndexReset index = new IndexReset();

    @Test
    void parallelStoresIntoOneStudyKeepExactCounts() throws Exception {
        index.reset();
        int clients = 8;
        int perClient = 6;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    List<byte[]> batch = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        // Two series shared by all clients, each client adding its own instances.
                        batch.add(Part10Editor.read(TestData.file("pydicom/CT_small.dcm"))
                                .set(Tag.StudyInstanceUID, "2.25.77")
                                .set(Tag.SeriesInstanceUID, "2.25.77." + (i % 2))
                                .set(Tag.SOPInstanceUID, "2.25.77." + (i % 2) + "." + client + "." + i)
                                .toBytes());
                    }
                    return DicomWebClient.stow(batch.toArray(byte[][]::new)).statusCode();
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(index.count("study")).isEqualTo(1);
        assertThat(index.count("series")).isEqualTo(2);
        assertThat(index.count("instance")).isEqualTo(clients * perClient);
        assertThat(index.sum("SELECT number_of_instances FROM study")).isEqualTo(clients * perClient);
        assertThat(index.sum("SELECT number_of_series FROM study")).isEqualTo(2);
        assertThat(index.sum("SELECT sum(number_of_instances) FROM series")).isEqualTo(clients * perClient);
        assertThat(index.sum("SELECT count(*) FROM series se WHERE number_of_instances <> "
                + "(SELECT count(*) FROM instance i WHERE i.series_fk = se.id)")).isZero();
    }
}
