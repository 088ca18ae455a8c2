package org.veil.derivatives;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Keeping the derivative cache: dropping what consent, a share or a profile no longer allows,
 * with the de-identified views built from it, and bounding the cache in bytes, least recently used
 * first. Each change runs in a transaction of its own; the files it frees are journalled before
 * the commit and deleted after it ({@link DerivativeFiles}).
 */
public final class DerivativeCache {
    private static final Logger LOG = Logger.getLogger(DerivativeCache.class);

    private final DataSource db;
    private final Transactions tx;
    private final DerivativeFiles files;

    DerivativeCache(DataSource db, Transactions tx, DerivativeFiles files) {
        this.db = db;
        this.tx = tx;
        this.files = files;
    }

    /**
     * Drops every derivative of a study: on consent withdrawal. Returns how many. Waits for the
     * study's views being built to finish first ({@link DerivativeStore#lockStudy}), so that nothing a build
     * started before the withdrawal makes outlives this.
     */
    public int invalidateStudy(String originalStudyUid) throws IOException {
        return invalidate("original_study_uid = ?", List.of(originalStudyUid), originalStudyUid);
    }

    /** Drops what was derived of a study in one context: a consent's scope that has run out; waits for its builds as above. */
    public int invalidateStudyContext(String originalStudyUid, String context) throws IOException {
        return invalidate("original_study_uid = ? AND context = ?", List.of(originalStudyUid, context), originalStudyUid);
    }

    /** Drops every derivative made for a share of the study: on revocation; waits for its builds as above. */
    public int invalidateShare(String originalStudyUid, String context) throws IOException {
        return invalidate("context = ?", List.of(context), originalStudyUid);
    }

    /** Drops every derivative of a patient (issuer and PatientID as stored). */
    public int invalidatePatient(String issuer, String patientId) throws IOException {
        return invalidate("patient_key = ?", List.of(DerivativeStore.patientKey(issuer, patientId)), null);
    }

    /** Drops every derivative made in a context: a profile whose options changed, or a revoked share. */
    public int invalidateContext(String context) throws IOException {
        return invalidate("context = ?", List.of(context), null);
    }

    /** Total bytes of cached derivatives. */
    public long cachedBytes() throws IOException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(size_bytes), 0) FROM derivative");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IOException("derivative index", e);
        }
    }

    /** Removes least recently used derivatives until the cache is under its bound. */
    void evictOver(long bound) throws IOException {
        List<String> freed = new ArrayList<>();
        try {
            files.deleteFreed(freed, tx.inNew(() -> {
                try (Connection c = db.getConnection()) {
                    long total;
                    try (PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(size_bytes), 0) FROM derivative");
                         ResultSet rs = s.executeQuery()) {
                        rs.next();
                        total = rs.getLong(1);
                    }
                    if (total <= bound) {
                        return null;
                    }
                    try (PreparedStatement s = c.prepareStatement("""
                            SELECT id, storage_key, size_bytes, original_study_uid, context FROM derivative WHERE storage_key IS NOT NULL
                             ORDER BY last_access, id FOR UPDATE SKIP LOCKED""");
                         PreparedStatement del = c.prepareStatement("DELETE FROM derivative WHERE id = ?");
                         PreparedStatement view = c.prepareStatement(
                                 "DELETE FROM derived_view WHERE original_study_uid = ? AND context = ?");
                         ResultSet rs = s.executeQuery()) {
                        while (total > bound && rs.next()) {
                            del.setLong(1, rs.getLong(1));
                            del.executeUpdate();
                            // A view pointing at an evicted file is dropped with it and rebuilt on need.
                            view.setString(1, rs.getString(4));
                            view.setString(2, rs.getString(5));
                            view.executeUpdate();
                            freed.add(rs.getString(2));
                            total -= rs.getLong(3);
                        }
                    }
                    return files.journalled(freed);
                }
            }));
        } catch (SQLException e) {
            throw new IOException("derivative eviction", e);
        }
        LOG.debugf("evicted %d derivatives", freed.size());
    }

    /** Deletes derivatives and the de-identified views built from them, in one transaction. */
    private int invalidate(String where, List<String> values, String lockedStudy) throws IOException {
        List<String> freed = new ArrayList<>();
        int[] rows = {0};
        try {
            files.deleteFreed(freed, tx.inNew(() -> {
                try (Connection c = db.getConnection();
                     PreparedStatement views = c.prepareStatement("DELETE FROM derived_view WHERE " + where);
                     PreparedStatement s = c.prepareStatement("DELETE FROM derivative WHERE " + where + " RETURNING storage_key")) {
                    if (lockedStudy != null) {
                        DerivativeStore.lockStudy(c, lockedStudy, true);
                    }
                    for (int i = 0; i < values.size(); i++) {
                        views.setString(i + 1, values.get(i));
                        s.setString(i + 1, values.get(i));
                    }
                    views.executeUpdate();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            rows[0]++;
                            if (rs.getString(1) != null) {
                                freed.add(rs.getString(1));
                            }
                        }
                    }
                    return files.journalled(freed);
                }
            }));
            return rows[0];
        } catch (SQLException e) {
            throw new IOException("derivative invalidation", e);
        }
    }
}
