package org.veil.dicomweb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.veil.EmbeddedPostgresResource;

/**
 * Test isolation: empties the index between tests that need a clean one, and reads what Veil
 * wrote. It connects to the test database itself, not through Veil, so it works the same against
 * the native executable.
 */
public class IndexReset {
    /** Looked up at each use: a test profile restarts the database, and a test instance may exist before it starts. */
    private static DataSource ds() {
        return EmbeddedPostgresResource.dataSource();
    }

    public void reset() throws SQLException {
        try (Connection c = ds().getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE instance, series, study, derivative, derived_uid, derived_instance, derived_series, derived_study, derived_view,"
                    + " view_request RESTART IDENTITY");
        }
    }

    /**
     * Forgets every consent and share. The registry is append-only (triggers refuse updates,
     * deletes and TRUNCATE); the test's way around it is a session whose ordinary triggers do not
     * fire (session_replication_role, as the database's superuser), for tests that need a registry
     * holding only what they record.
     */
    public void forgetConsents() throws SQLException {
        try (Connection c = ds().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            try {
                s.execute("TRUNCATE share_revocation, study_share, consent_withdrawal, consent, patient_consent_withdrawal, patient_consent");
            } finally {
                s.execute("SET session_replication_role = origin");
            }
        }
    }

    public long count(String table) throws SQLException {
        try (Connection c = ds().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row. */
    public java.util.List<String> strings(String sql) throws SQLException {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = ds().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    public long sum(String sql) throws SQLException {
        try (Connection c = ds().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
