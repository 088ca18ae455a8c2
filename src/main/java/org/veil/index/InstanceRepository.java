package org.veil.index;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Instance look-ups for retrieval, in either index ({@link IndexTarget}), in a stable order:
 * series, instance number, id. Plain SQL, because the de-identified index has no entities.
 */
@ApplicationScoped
public class InstanceRepository {
    @Inject
    AgroalDataSource db;

    /**
     * The longest frame or bulk data index a list of instances reads with the rest (64 KiB): an
     * instance of a million fragments has an index of some 13 MB, and a study of a hundred of them
     * would hold gigabytes for a metadata request that reads none. Longer ones are read one at a
     * time where they are used ({@link #withIndexes}).
     */
    static final int LISTED_INDEX_BYTES = 65_536;

    /**
     * The most index text one list reads, over all its rows (16 MiB): a study of ten thousand
     * instances each just under {@link #LISTED_INDEX_BYTES} would otherwise list 1.3 GB. Rows
     * past it in retrieval order have their indexes read one at a time where they are used. Only
     * what a row would list counts: an index left unread for its own length takes nothing.
     */
    static final long LISTED_INDEXES_BYTES = 16L << 20;

    /**
     * The instances of a study, of one series in it, or one instance, in retrieval order: the
     * first {@code limit} of them.
     */
    public List<StoredInstance> find(IndexTarget t, String studyUid, String seriesUid, String sopUid, int limit)
            throws SQLException {
        return find(t, studyUid, seriesUid, sopUid, limit, LISTED_INDEXES_BYTES);
    }

    /** As {@link #find(IndexTarget, String, String, String, int)}, reading at most {@code listedIndexes} bytes of index text. */
    public List<StoredInstance> find(IndexTarget t, String studyUid, String seriesUid, String sopUid, int limit,
                                     long listedIndexes) throws SQLException {
        StringBuilder q = new StringBuilder("""
                SELECT id, study_instance_uid, series_instance_uid, sop_instance_uid, transfer_syntax_uid, storage_key,
                       size_bytes, dataset_offset,
                       CASE WHEN frames_bytes > %4$d OR listed > %6$d THEN '%5$s' ELSE frames END,
                       CASE WHEN bulk_data_bytes > %4$d OR listed > %6$d THEN '%5$s' ELSE bulk_data END, metadata_bytes
                  FROM (SELECT i.id, st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.transfer_syntax_uid,
                               i.storage_key, i.size_bytes, i.dataset_offset, i.frames, i.bulk_data,
                               octet_length(i.frames) AS frames_bytes, octet_length(i.bulk_data) AS bulk_data_bytes,
                               octet_length(i.metadata) AS metadata_bytes,
                               sum(CASE WHEN octet_length(i.frames) > %4$d THEN 0 ELSE coalesce(octet_length(i.frames), 0) END
                                   + CASE WHEN octet_length(i.bulk_data) > %4$d THEN 0 ELSE coalesce(octet_length(i.bulk_data), 0) END)
                                   OVER (ORDER BY se.id, i.instance_number NULLS LAST, i.id) AS listed,
                               se.id AS series_order, i.instance_number, i.id AS instance_order
                          FROM %s i JOIN %s se ON se.id = i.series_fk JOIN %s st ON st.id = i.study_fk
                         WHERE st.study_instance_uid = ?""".formatted(t.instance(), t.series(), t.study(), LISTED_INDEX_BYTES,
                StoredInstance.DEFERRED, listedIndexes));
        if (t.prefix().equals(IndexTarget.DERIVED.prefix())) {
            // A listing's rows (a view whose pixels are not judged yet) have no storage key: never read.
            q.append(" AND i.storage_key <> ''");
        }
        List<String> params = new ArrayList<>(List.of(studyUid));
        if (seriesUid != null) {
            q.append(" AND se.series_instance_uid = ?");
            params.add(seriesUid);
        }
        if (sopUid != null) {
            q.append(" AND i.sop_instance_uid = ?");
            params.add(sopUid);
        }
        q.append(") listing ORDER BY series_order, instance_number NULLS LAST, instance_order LIMIT ?");
        List<StoredInstance> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(q.toString())) {
            for (int n = 0; n < params.size(); n++) {
                s.setString(n + 1, params.get(n));
            }
            s.setInt(params.size() + 1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredInstance(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getString(10), rs.getLong(11)));
                }
            }
        }
        return out;
    }

    /** The instance with its frame and bulk data indexes read, when {@link #find} left them unread. */
    public StoredInstance withIndexes(IndexTarget t, StoredInstance i) throws SQLException {
        if (!i.indexesDeferred()) {
            return i;
        }
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT frames, bulk_data FROM " + t.instance() + " WHERE id = ?")) {
            s.setLong(1, i.id());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the instance row is gone", "02000");
                }
                return new StoredInstance(i.id(), i.studyInstanceUid(), i.seriesInstanceUid(), i.sopInstanceUid(),
                        i.transferSyntaxUid(), i.storageKey(), i.sizeBytes(), i.datasetOffset(), rs.getString(1), rs.getString(2),
                        i.metadataBytes());
            }
        }
    }

    /**
     * Each instance's DICOM JSON as stored, in the order of the ids: UTF-8, the driver's bytes of
     * the text column, not decoded.
     */
    public List<byte[]> metadataOf(IndexTarget t, List<Long> ids) throws SQLException {
        Map<Long, byte[]> byId = new HashMap<>();
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT id, metadata FROM " + t.instance() + " WHERE id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byId.put(rs.getLong(1), rs.getBytes(2));
                }
            }
        }
        return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
    }

    /** Whether an instance row refers to the stored object: crash recovery keeps what one does. */
    public boolean isStorageKeyIndexed(String key) throws SQLException {
        return any("SELECT 1 FROM instance WHERE storage_key = ? LIMIT 1", key);
    }

    /** Whether the original index holds a study with this UID. */
    public boolean isStudyIndexed(String studyUid) throws SQLException {
        return any("SELECT 1 FROM study WHERE study_instance_uid = ?", studyUid);
    }

    private boolean any(String query, String value) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(query)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
