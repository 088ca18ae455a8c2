package org.veil.derivatives;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.veil.storage.BlobStore;

/**
 * The derivatives' files beside their rows: what making derivatives ({@link DerivativeStore}) and
 * keeping the cache ({@link DerivativeCache}) share. A transaction that may leave a file without a
 * row journals the file's key first; after the commit, the files no row refers to are deleted,
 * each under its key's lock, and then the journal. A crash in between leaves the journal to
 * recovery (BlobStore#recover), which deletes the keys nothing refers to.
 */
final class DerivativeFiles {
    private final DataSource db;
    private final Transactions tx;
    private final BlobStore blobs;

    DerivativeFiles(DataSource db, Transactions tx, BlobStore blobs) {
        this.db = db;
        this.tx = tx;
        this.blobs = blobs;
    }

    /**
     * The keys of files a transaction may leave without a row (freed by a deletion, or published
     * by a batch that may fail), journalled before the commit. Null when there are none.
     */
    BlobStore.Journal journalled(List<String> freed) throws IOException {
        return freed.isEmpty() ? null : blobs.begin(freed);
    }

    /** After the commit: deletes the freed files, then the journal. A deletion that fails leaves the journal to recovery. */
    void deleteFreed(List<String> freed, BlobStore.Journal journal) throws IOException {
        if (journal == null) {
            return;
        }
        deleteUnused(freed);
        journal.close();
    }

    /** Deletes files no derivative row refers to any more, each under its key's lock. */
    private void deleteUnused(List<String> keys) throws IOException {
        for (String key : keys) {
            try {
                tx.inNew(() -> {
                    try (Connection c = db.getConnection()) {
                        lock(c, key);
                        if (!isStorageKeyUsed(c, key)) {
                            blobs.delete(key);
                        }
                    }
                    return null;
                });
            } catch (SQLException e) {
                throw new IOException("derivative clean-up", e);
            }
        }
    }

    /** Whether the derivative file is still there under its row. */
    boolean exists(String key) {
        try (FileChannel ch = blobs.open(key)) {
            return ch.size() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a storage key belongs to a derivative: for recovery after a crash, with or without a secret. */
    static boolean isStorageKeyUsed(DataSource db, String key) throws IOException {
        try (Connection c = db.getConnection()) {
            return isStorageKeyUsed(c, key);
        } catch (SQLException e) {
            throw new IOException("derivative index", e);
        }
    }

    private static boolean isStorageKeyUsed(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM derivative WHERE storage_key = ? LIMIT 1")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A storage key's lock, until the transaction ends: a publication and a deletion of one file do not interleave. */
    private static void lock(Connection c, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            s.setString(1, key);
            s.execute();
        }
    }
}
