package org.veil.audit;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A change and its audit row ({@link AuditLog#append}) in one transaction on one connection:
 * committed when the work returns, rolled back on any failure, so that a change never commits
 * without its row and a row never without its change. Rolling back explicitly matters: a
 * connection handed back with a transaction open could be committed by the pool when it resets
 * auto-commit (JDBC: changing auto-commit commits the open transaction). Used by the consent
 * registry and by STOW's index commit.
 */
public final class RecordedChange {

    /** The change; it appends its audit row on the same connection before returning. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    private RecordedChange() {
    }

    public static <T> T commit(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
