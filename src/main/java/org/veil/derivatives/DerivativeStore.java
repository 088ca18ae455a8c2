package org.veil.derivatives;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.veil.deid.Deidentifier;
import org.veil.deid.Outcome;
import org.veil.deid.Profile;
import org.veil.dicom.MalformedDicomException;
import org.veil.storage.BlobStore;
import org.veil.storage.StagedBlob;

/**
 * De-identified derivatives, made on first request and kept: the file in the blob store, the
 * row in {@code derivative}, every derived UID in {@code derived_uid}. A derivative is keyed by
 * original SOP Instance UID, context and key version, so a new secret makes every old one stale
 * rather than wrong. The cache is bounded in bytes; the least recently used go first.
 *
 * <p>Derivatives are deterministic, so two requests racing for the same one make the same file
 * under the same key; an advisory lock per storage key keeps a publication and an eviction of
 * that key from interleaving. Dropping and evicting derivatives is {@link DerivativeCache}'s;
 * the journal and lock both sides share around files are {@link DerivativeFiles}'. Every write runs in a transaction of its own ({@link Transactions}):
 * declarative JTA in the server, plain JDBC in the benchmark, which runs without Quarkus.
 */
public final class DerivativeStore {
    private static final Logger LOG = Logger.getLogger(DerivativeStore.class);
    /** Instances made per journal, flush and transaction (a view's build makes its study's in such batches). */
    private static final int BATCH = 32;
    /** A batch also ends once its derivatives pass this many bytes: the files flushed together. */
    private static final long BATCH_BYTES = 64L << 20;
    /** Last-access times are refreshed at most this often, so that hits stay reads. */
    private static final String TOUCH_AFTER = "60 seconds";

    private final DataSource db;
    private final BlobStore blobs;
    private final Deidentifier engine;
    private final long maxBytes;
    private final Transactions tx;
    private final DerivativeFiles files;
    private final DerivativeCache cache;

    public DerivativeStore(DataSource db, Transactions tx, BlobStore blobs, Deidentifier engine, long maxBytes) {
        this.db = db;
        this.tx = tx;
        this.blobs = blobs;
        this.engine = engine;
        this.maxBytes = maxBytes;
        this.files = new DerivativeFiles(db, tx, blobs);
        this.cache = new DerivativeCache(db, tx, files);
    }

    /** The cache these derivatives are kept in: what drops them on withdrawal, revocation and eviction. */
    public DerivativeCache cache() {
        return cache;
    }

    /** The engine this store derives with (another store over other blobs shares it). */
    Deidentifier engine() {
        return engine;
    }

    /** The original stored instance a derivative is made from. */
    record Original(String storageKey, String studyUid, String patientKey) {
    }

    /**
     * The derivative of a stored instance under a profile, in a context (the profile's name, or
     * a share), made now if it is not cached. Empty when no instance has this SOP Instance UID.
     */
    public Optional<Derivative> derive(String originalSopUid, Profile profile, String context) throws IOException {
        return deriveAll(List.of(originalSopUid), profile, context).stream().findFirst();
    }

    /**
     * The derivatives of several stored instances, in their order, made now where not cached:
     * a view's build. Those made now go in batches of up to {@value #BATCH} (or {@value #BATCH_BYTES}
     * bytes) that share one journal, one round of flushes and one transaction, where one at a time
     * each paid for its own. Instances Veil does not hold are left out.
     */
    public List<Derivative> deriveAll(List<String> originalSopUids, Profile profile, String context) throws IOException {
        String version = engine.derivativeVersion(profile);
        try {
            Map<String, Derivative> found = cached(originalSopUids, context, version);
            List<String> missing = originalSopUids.stream().filter(sop -> !found.containsKey(sop)).distinct().toList();
            Map<String, Original> originals = originals(missing);
            List<String> toMake = missing.stream().filter(originals::containsKey).toList();
            for (int from = 0; from < toMake.size(); ) {
                List<Derivative> made = make(toMake.subList(from, toMake.size()), originals, profile, context, version);
                for (Derivative d : made) {
                    found.put(d.originalSopUid(), d);
                }
                from += made.size();
            }
            return originalSopUids.stream().map(found::get).filter(Objects::nonNull).toList();
        } catch (SQLException e) {
            throw new IOException("derivative index", e);
        }
    }

    /**
     * The derivatives of these originals already made under the profile in the context, withheld
     * ones included, by original SOP Instance UID; none is made now.
     */
    Map<String, Derivative> cached(List<String> originalSopUids, Profile profile, String context) throws IOException {
        try {
            return cached(originalSopUids, context, engine.derivativeVersion(profile));
        } catch (SQLException e) {
            throw new IOException("derivative index", e);
        }
    }

    /** The fingerprint of the secret derivatives are made with now: the version of every derived UID. */
    public String keyVersion() {
        return engine.keys().version();
    }

    /** The version derivatives made now under the profile are kept under: the secret's and the recipe's (docs/deidentification.md). */
    public String derivativeVersion(Profile profile) {
        return engine.derivativeVersion(profile);
    }

    /** The original UID a derived one was made from, under any context; empty for a UID Veil did not derive. */
    public Optional<String> originalOf(String derivedUid) throws IOException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT original_uid FROM derived_uid WHERE derived_uid = ?")) {
            s.setString(1, derivedUid);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IOException("derivative index", e);
        }
    }

    /** The cached derivatives among these originals, by original SOP Instance UID; a row whose file went missing is forgotten. */
    private Map<String, Derivative> cached(List<String> sops, String context, String version) throws SQLException, IOException {
        Map<String, Derivative> out = new HashMap<>();
        if (sops.isEmpty()) {
            return out;
        }
        List<String> stale = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement q = c.prepareStatement("""
                     SELECT original_sop_uid, derived_study_uid, derived_series_uid, derived_sop_uid, storage_key, size_bytes,
                            withheld_reason, last_access < now() - interval '%s'
                       FROM derivative WHERE original_sop_uid = ANY(?) AND context = ? AND key_version = ?""".formatted(TOUCH_AFTER))) {
            q.setArray(1, c.createArrayOf("text", sops.toArray()));
            q.setString(2, context);
            q.setString(3, version);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String sop = rs.getString(1);
                    String key = rs.getString(5);
                    if (key != null && !files.exists(key)) {
                        // The file went missing under the row: forget the row and make it again.
                        gone.add(sop);
                        continue;
                    }
                    out.put(sop, new Derivative(sop, context, rs.getString(2), rs.getString(3), rs.getString(4), key,
                            rs.getLong(6), Optional.ofNullable(rs.getString(7)), true));
                    if (rs.getBoolean(8)) {
                        stale.add(sop);
                    }
                }
            }
        }
        onRows("DELETE FROM derivative", gone, context, version);
        onRows("UPDATE derivative SET last_access = now()", stale, context, version);
        return out;
    }

    /** The stored originals among these SOP Instance UIDs; those Veil does not hold are absent. */
    private Map<String, Original> originals(List<String> sops) throws SQLException {
        Map<String, Original> out = new HashMap<>();
        if (sops.isEmpty()) {
            return out;
        }
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT i.sop_instance_uid, i.storage_key, st.study_instance_uid, st.issuer_of_patient_id, st.patient_id
                       FROM instance i JOIN study st ON st.id = i.study_fk WHERE i.sop_instance_uid = ANY(?)""")) {
            s.setArray(1, c.createArrayOf("text", sops.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Original(rs.getString(2), rs.getString(3), patientKey(rs.getString(4), rs.getString(5))));
                }
            }
        }
        return out;
    }

    /**
     * One made derivative before it is published: its derived UIDs and staged file, or the reason
     * it is withheld. The derivative's bytes are on disk by then, not held here.
     */
    private record Made(String sop, Original original, String studyUid, String seriesUid, String sopInstanceUid,
                        Map<String, String> derivedUids, StagedBlob blob, String withheld) {
        Derivative derivative(String context) {
            return blob == null ? new Derivative(sop, context, null, null, null, null, 0, Optional.of(withheld), false)
                    : new Derivative(sop, context, studyUid, seriesUid, sopInstanceUid, BlobStore.keyOf(blob), blob.size(),
                            Optional.empty(), false);
        }
    }

    /**
     * Makes a batch from the front of {@code sops}: each instance de-identified and its derivative
     * staged (written and hashed, not yet durable), until {@value #BATCH} are made or their files
     * pass {@value #BATCH_BYTES} bytes; then one journal of their keys, one publication (the files
     * and their directories flushed together) and one transaction for every row, withheld ones
     * included. Returns what it made, at least one. When an instance fails, what was made before
     * it is published all the same and the failure is thrown after.
     */
    private List<Derivative> make(List<String> sops, Map<String, Original> originals, Profile profile, String context, String version)
            throws IOException, SQLException {
        List<Made> made = new ArrayList<>();
        Exception failed = null;
        try {
            long staged = 0;
            for (int i = 0; i < sops.size() && i < BATCH && staged < BATCH_BYTES; i++) {
                try {
                    Made m = makeOne(sops.get(i), originals.get(sops.get(i)), profile, context);
                    made.add(m);
                    staged += m.blob() == null ? 0 : m.blob().size();
                } catch (IOException | RuntimeException e) {
                    failed = e;
                    break;
                }
            }
            try {
                publish(made, context, version);
            } catch (IOException | SQLException | RuntimeException e) {
                if (failed != null) {
                    e.addSuppressed(failed);
                }
                throw e;
            }
        } finally {
            for (Made m : made) {
                if (m.blob() != null) {
                    try {
                        m.blob().close();
                    } catch (IOException e) {
                        // Only the temporary file is left; recovery empties the staging directory.
                        LOG.debugf("a staged derivative could not be removed (%s)", e.getClass().getSimpleName());
                    }
                }
            }
        }
        if (maxBytes > 0 && made.stream().anyMatch(m -> m.blob() != null)) {
            cache.evictOver(maxBytes);
        }
        if (failed instanceof IOException e) {
            throw e;
        } else if (failed instanceof RuntimeException e) {
            throw e;
        }
        return made.stream().map(m -> m.derivative(context)).toList();
    }

    private Made makeOne(String sop, Original original, Profile profile, String context) throws IOException {
        Outcome outcome;
        try {
            outcome = engine.deidentify(blobs.readAll(original.storageKey()), profile, context);
        } catch (MalformedDicomException e) {
            // Stored instances were read when stored; one that cannot be read now is not served.
            outcome = new Outcome.Withheld("the stored instance cannot be read for de-identification");
        }
        if (!(outcome instanceof Outcome.Derived d)) {
            return new Made(sop, original, null, null, null, Map.of(), null, ((Outcome.Withheld) outcome).reason());
        }
        StagedBlob blob = blobs.stage();
        try {
            try (OutputStream out = blob.output()) {
                out.write(d.part10());
            }
            blob.seal();
        } catch (IOException | RuntimeException e) {
            blob.close();
            throw e;
        }
        return new Made(sop, original, d.studyUid(), d.seriesUid(), d.sopInstanceUid(), d.derivedUids(), blob, null);
    }

    /**
     * Publishes a batch: the keys journalled first, so that a crash or a failure after a file is
     * moved into place leaves nothing recovery does not know of (BlobStore#recover); the journal
     * goes once the rows are committed, or once the files of a failed batch are deleted again. A
     * file whose row lost to a concurrent maker's is deleted after the commit.
     */
    private void publish(List<Made> made, String context, String version) throws IOException, SQLException {
        List<StagedBlob> staged = made.stream().map(Made::blob).filter(Objects::nonNull).toList();
        List<String> keys = staged.stream().map(BlobStore::keyOf).distinct().toList();
        BlobStore.Journal journal = files.journalled(keys);
        List<String> lost = new ArrayList<>();
        try {
            tx.inNew(() -> {
                try (Connection c = db.getConnection()) {
                    lockAll(c, keys);
                    if (!staged.isEmpty()) {
                        blobs.publish(staged);
                    }
                    for (Made m : made) {
                        if (!insert(c, m, context, version) && m.blob() != null) {
                            lost.add(BlobStore.keyOf(m.blob()));
                        }
                    }
                }
                return null;
            });
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                files.deleteFreed(keys, journal);
            } catch (IOException | RuntimeException cleanup) {
                // The journal stays: recovery deletes the keys no row refers to.
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        // The lost files go before the journal does, so that a crash between leaves them to recovery.
        files.deleteFreed(lost, journal);
    }

    /**
     * The storage keys' locks, in one statement and in the order of the lock numbers themselves,
     * so that two transactions that share keys cannot take them in opposite orders.
     */
    private static void lockAll(Connection c, List<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(?::text[]) k ORDER BY 1) o""")) {
            s.setArray(1, c.createArrayOf("text", keys.toArray()));
            s.execute();
        }
    }

    /** Inserts a made derivative's row and its UIDs' reverse map; false when a row for the instance was there already. */
    private boolean insert(Connection c, Made m, String context, String version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO derivative (original_sop_uid, context, key_version, original_study_uid, patient_key,
                                        derived_study_uid, derived_series_uid, derived_sop_uid, storage_key, size_bytes, withheld_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            s.setString(1, m.sop());
            s.setString(2, context);
            s.setString(3, version);
            s.setString(4, m.original().studyUid());
            s.setString(5, m.original().patientKey());
            s.setString(6, m.studyUid());
            s.setString(7, m.seriesUid());
            s.setString(8, m.sopInstanceUid());
            s.setString(9, m.blob() == null ? null : BlobStore.keyOf(m.blob()));
            s.setLong(10, m.blob() == null ? 0 : m.blob().size());
            s.setString(11, m.withheld());
            boolean inserted = s.executeUpdate() == 1;
            recordUids(c, m.derivedUids(), context, engine.keys().version());
            return inserted;
        }
    }

    /** Derived UIDs in the reverse map (derived to original), each once. */
    static void recordUids(Connection c, Map<String, String> derivedUids, String context, String keyVersion) throws SQLException {
        if (derivedUids.isEmpty()) {
            return;
        }
        try (PreparedStatement u = c.prepareStatement(
                "INSERT INTO derived_uid (derived_uid, original_uid, context, key_version) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Map.Entry<String, String> e : derivedUids.entrySet()) {
                u.setString(1, e.getKey());
                u.setString(2, e.getValue());
                u.setString(3, context);
                u.setString(4, keyVersion);
                u.addBatch();
            }
            u.executeBatch();
        }
    }

    /** Runs an UPDATE or DELETE on the rows of these originals in a context and key version, in a transaction of its own. */
    private void onRows(String statement, List<String> sops, String context, String version) throws SQLException, IOException {
        if (sops.isEmpty()) {
            return;
        }
        tx.inNew(() -> {
            try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                    statement + " WHERE original_sop_uid = ANY(?) AND context = ? AND key_version = ?")) {
                s.setArray(1, c.createArrayOf("text", sops.toArray()));
                s.setString(2, context);
                s.setString(3, version);
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The study's derivation lock, until the transaction ends: shared by the builds of its views
     * (which re-check the grant they build for once they hold it), exclusive for a withdrawal's or
     * a revocation's invalidation. So a build either sees the withdrawal and builds nothing, or
     * finishes before the invalidation starts and has its work dropped by it.
     */
    static void lockStudy(Connection c, String study, boolean exclusive) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(exclusive ? "SELECT pg_advisory_xact_lock(hashtext(?))"
                : "SELECT pg_advisory_xact_lock_shared(hashtext(?))")) {
            s.setString(1, "derive|" + study);
            s.execute();
        }
    }

    public static String patientKey(String issuer, String patientId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((issuer == null ? "" : issuer.trim()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update((patientId == null ? "" : patientId.trim()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
