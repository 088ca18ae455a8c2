package org.veil.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditLog#record}'s transaction: a row that cannot be written leaves nothing behind, not
 * even the chain lock, and the connection goes back to the pool without an open transaction;
 * inside a caller's transaction the row commits or rolls back with it.
 */
@QuarkusTest
class AuditRecordTransactionTest {
    @Inject
    AuditLog audit;

    @Test
    void aRowThatCannotBeWrittenLeavesNothingAndReleasesTheChain() throws Exception {
        long before = audit.verify().rows();
        // No action: the database refuses the row (action is NOT NULL), after the chain lock was
        // taken and the row's hash made.
        assertThatThrownBy(() -> audit.record(event("broken-writer", null))).isInstanceOf(SQLException.class);
        // Another writer, on another thread and so another connection, gets the chain at once.
        CompletableFuture.runAsync(() -> {
            try {
                audit.record(event("next-writer", "query studies"));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);
        // And the pool's connections carry no half-done row: many more writes, all committed once.
        for (int i = 0; i < 20; i++) {
            audit.record(event("later-writer", "query studies"));
        }
        AuditLog.Verification v = audit.verify();
        assertThat(v.valid()).as(v.reason()).isTrue();
        assertThat(v.rows()).isEqualTo(before + 21);
        assertThat(rowsOf("broken-writer")).isZero();
        assertThat(rowsOf("next-writer")).isEqualTo(1);
    }

    @Test
    void insideACallersTransactionTheRowFollowsIt() throws Exception {
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            try {
                audit.record(event("rolled-back-writer", "query studies"));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("the caller's change fails after its audit row");
        })).hasMessageContaining("fails after its audit row");
        assertThat(rowsOf("rolled-back-writer")).isZero();

        QuarkusTransaction.requiringNew().run(() -> {
            try {
                audit.record(event("committed-writer", "query studies"));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(rowsOf("committed-writer")).isEqualTo(1);
        assertThat(audit.verify().valid()).isTrue();
    }

    private long rowsOf(String subject) throws SQLException {
        return audit.query(new AuditLog.Filter(Optional.empty(), Optional.empty(), Optional.of(subject), Optional.empty(),
                Optional.empty(), Optional.empty(), 100, 0)).size();
    }

    private static AuditEvent event(String subject, String action) {
        return new AuditEvent(Instant.now(), subject, subject, List.of("clinician"), "treatment", "test", "127.0.0.1", action,
                AuditEvent.QUERY, List.of("2.25.77"), List.of("TXN1"), 0, AuditEvent.Outcome.SUCCESS, null, null);
    }
}
