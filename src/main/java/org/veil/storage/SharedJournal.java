package org.veil.storage;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The publication journal in PostgreSQL, where every replica sees it: a replica that dies in the
 * middle of a store request leaves its entry behind, and the next replica to start removes the
 * objects of that entry that the index does not know. Entries younger than the grace period
 * belong to requests that may still be running elsewhere and are left alone.
 */
final class SharedJournal {
    private final DataSource db;
    private final Duration grace;

    SharedJournal(DataSource db, Duration grace) {
        this.db = db;
        this.grace = grace;
    }

    BlobStore.Journal begin(Collection<String> keys) throws IOException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO storage_journal (id, keys) VALUES (?, ?)")) {
            s.setObject(1, id);
            s.setArray(2, c.createArrayOf("text", keys.toArray()));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("the storage journal cannot be written", e);
        }
        return () -> {
            try (Connection c = db.getConnection();
                 PreparedStatement s = c.prepareStatement("DELETE FROM storage_journal WHERE id = ?")) {
                s.setObject(1, id);
                s.executeUpdate();
            } catch (SQLException e) {
                throw new IOException("the storage journal cannot be written", e);
            }
        };
    }

    /** Abandoned entries: each one's keys that the index does not hold are handed to {@code remove}. */
    int sweep(Predicate<String> indexed, RemoveObject remove) throws IOException {
        int removed = 0;
        try (Connection c = db.getConnection()) {
            List<UUID> abandoned = new ArrayList<>();
            List<String[]> keys = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, keys FROM storage_journal WHERE started_at < now() - make_interval(secs => ?)")) {
                s.setDouble(1, grace.toMillis() / 1000.0);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        abandoned.add(rs.getObject(1, UUID.class));
                        Array array = rs.getArray(2);
                        keys.add((String[]) array.getArray());
                    }
                }
            }
            for (int i = 0; i < abandoned.size(); i++) {
                for (String key : keys.get(i)) {
                    if (!indexed.test(key)) {
                        remove.remove(key);
                        removed++;
                    }
                }
                try (PreparedStatement d = c.prepareStatement("DELETE FROM storage_journal WHERE id = ?")) {
                    d.setObject(1, abandoned.get(i));
                    d.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IOException("the storage journal cannot be read", e);
        }
        return removed;
    }

    interface RemoveObject {
        void remove(String key) throws IOException;
    }
}
