package org.veil.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Writers racing for the chain: each row's previous hash must be the row committed just before it,
 * also when a writer waited for the chain lock while another committed (the lock and the read of
 * the previous hash go to PostgreSQL together, AuditLog.takeChainPosition). A fork would show as a
 * broken row in the verification.
 */
@QuarkusTest
class AuditChainConcurrencyTest {
    private static final int WRITERS = 8;
    private static final int ROWS_EACH = 40;

    @Inject
    AuditLog audit;

    @Test
    void concurrentWritersKeepOneUnbrokenChain() throws Exception {
        long before = audit.verify().rows();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                String writer = "racer-" + w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < ROWS_EACH; i++) {
                        audit.record(new AuditEvent(Instant.now(), writer, writer, List.of("clinician"), "treatment", "bench",
                                "127.0.0.1", "query studies", AuditEvent.QUERY, List.of("2.25.1" + i), List.of("RACE" + i), 0,
                                AuditEvent.Outcome.SUCCESS, null, null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        AuditLog.Verification v = audit.verify();
        assertThat(v.valid()).as("chain after %d concurrent writers: %s", WRITERS, v.reason()).isTrue();
        assertThat(v.rows()).isEqualTo(before + WRITERS * ROWS_EACH);
        List<AuditLog.Stored> mine = audit.query(new AuditLog.Filter(java.util.Optional.empty(), java.util.Optional.of("RACE7"),
                java.util.Optional.of("racer-3"), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), 100, 0));
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).event().patientIds()).containsExactly("RACE7");
    }
}
