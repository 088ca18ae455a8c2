package org.veil.derivatives;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.veil.deid.Outcome;
import org.veil.deid.Profile;
import org.veil.dicom.DicomReader;
import org.veil.dicom.InstanceParser;
import org.veil.dicom.MalformedDicomException;
import org.veil.index.IndexTarget;
import org.veil.index.IndexWriter;
import org.veil.index.NewInstance;
import org.veil.storage.BlobStore;

/**
 * The de-identified index (V5__derived_index.sql): one view per original study and context,
 * holding the study's derivatives indexed exactly as STOW indexes originals. A view is built
 * whole on first need, from the derivative store, under a per-view advisory lock so that two
 * requests build it once; it is dropped whole by {@link DerivativeCache}'s invalidations.
 *
 * <p>A search needs less than a retrieval ({@link Need}): a view may first be built as a
 * <em>listing</em> (V13__view_listings.sql), its rows from the de-identified attributes alone,
 * and is built again whole, with its pixels judged, before anything is read from it.
 */
public final class DerivedViews {
    private static final int BUILD_ATTEMPTS = 3;
    /**
     * The storage key of a listing's rows: none. Retrieval reads only rows with a key, so a
     * listing that takes the place of a view between a retrieval's check and its read is not found.
     */
    public static final String UNJUDGED = "";

    private final DataSource db;
    private final Transactions tx;
    private final BlobStore blobs;
    private final DerivativeStore store;
    private final DicomReader.Limits limits;
    private final org.veil.dicom.ComputeGate gate;

    public DerivedViews(DataSource db, Transactions tx, BlobStore blobs, DerivativeStore store, DicomReader.Limits limits,
                        org.veil.dicom.ComputeGate gate) {
        this.gate = gate;
        this.db = db;
        this.tx = tx;
        this.blobs = blobs;
        this.store = store;
        this.limits = limits;
    }

    /** The bounds each derivative is read within to be listed: those STOW read its original within. */
    public DicomReader.Limits readerLimits() {
        return limits;
    }

    /** The secret's version: that of the derived UIDs. */
    public String keyVersion() {
        return store.keyVersion();
    }

    /** The version of the views built now under the profile (the secret's and the recipe's). */
    public String viewVersion(Profile profile) {
        return store.derivativeVersion(profile);
    }

    /**
     * Whether the access a view is built for still holds: evaluated inside the build, under the
     * study's derivation lock, against the registry as committed then.
     */
    @FunctionalInterface
    public interface Grant {
        boolean stillHolds() throws SQLException;
    }

    /** What a request needs of a view. */
    public enum Need {
        /**
         * Rows to search: the attributes de-identified, and every instance the header alone
         * withholds left out, but the pixels not yet judged. Searches need no more; an instance
         * the text check later withholds drops out of the listing when the view is built whole.
         */
        LISTING,
        /** The view built whole: every derivative made, its pixels judged. Retrieval needs this. */
        DERIVATIVES
    }

    /**
     * Makes sure the view of an original study in a context exists with its derivatives,
     * building it if not. Returns false when Veil holds no such study, or when the grant no
     * longer holds once the build has the study's lock (a consent withdrawn meanwhile): then
     * nothing is built.
     */
    public boolean ensure(String originalStudyUid, Profile profile, String context, Grant grant) throws IOException {
        return ensure(originalStudyUid, profile, context, grant, Need.DERIVATIVES) == Readiness.READY;
    }

    /** {@link #ensure}, for what the request needs: a search waits for a listing only. */
    public Readiness ensure(String originalStudyUid, Profile profile, String context, Grant grant, Need need) throws IOException {
        return ensure(originalStudyUid, profile, context, grant, true, need, lockWaits());
    }

    /**
     * {@link #ensure}, its waits for the study's and the view's locks taken from {@code waits}: a
     * search that meets several busy views waits for all of them together no longer than one
     * turn's wait, not one wait each.
     */
    public Readiness ensure(String originalStudyUid, Profile profile, String context, Grant grant, Need need, LockWaits waits)
            throws IOException {
        return ensure(originalStudyUid, profile, context, grant, true, need, waits);
    }

    /** A request's waiting for locks, all its waits together: as long as a turn at the compute gate is waited for (veil.compute.max-wait). */
    public LockWaits lockWaits() {
        return new LockWaits(Math.max(1, gate.maxWaitMillis()) * 1_000_000L);
    }

    /**
     * What one request may still wait for the locks of the views it needs: each wait takes what
     * it lasted from it. A lock free at the time is taken even when nothing is left (PostgreSQL's
     * lock_timeout bounds waiting only). One per request, used by one thread.
     */
    public static final class LockWaits {
        private long nanos;

        LockWaits(long nanos) {
            this.nanos = nanos;
        }

        /**
         * Takes a lock, waiting ({@code bounded}: with lock_timeout set to what is left, at least
         * 1 ms, since 0 would mean no bound) and charging what the taking lasted.
         */
        boolean take(Connection c, boolean bounded, LockCall lock) throws SQLException {
            long started = System.nanoTime();
            try {
                if (bounded) {
                    lockTimeout(c, Math.max(1, nanos / 1_000_000L));
                }
                return lock.take();
            } finally {
                nanos -= System.nanoTime() - started;
            }
        }
    }

    /** A lock taken on the transaction's connection: false when only tried and not had. */
    private interface LockCall {
        boolean take() throws SQLException;
    }

    /** What {@link #ensureUnlessBusy} did. */
    public enum Readiness {
        /** The view exists now. */
        READY,
        /** Veil holds no such study, or the grant no longer holds: nothing was built. */
        NOT_VISIBLE,
        /** Another request or the background builder is building the view right now. */
        BUSY
    }

    /**
     * {@link #ensure}, except that a view another thread or replica is building now is left to
     * it rather than waited for: a search that needs several views and the background builder
     * then build different ones side by side, where they took them in the same order and the
     * second waited on the first for each.
     */
    public Readiness ensureUnlessBusy(String originalStudyUid, Profile profile, String context, Grant grant, Need need)
            throws IOException {
        return ensureUnlessBusy(originalStudyUid, profile, context, grant, need, lockWaits());
    }

    /** {@link #ensureUnlessBusy}, its wait for the study's lock taken from {@code waits} (as {@link #ensure}). */
    public Readiness ensureUnlessBusy(String originalStudyUid, Profile profile, String context, Grant grant, Need need,
                                      LockWaits waits) throws IOException {
        return ensure(originalStudyUid, profile, context, grant, false, need, waits);
    }

    private Readiness ensure(String originalStudyUid, Profile profile, String context, Grant grant, boolean wait, Need need,
                             LockWaits waits) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return build(originalStudyUid, profile, context, grant, wait, need, waits);
            } catch (EvictedMeanwhile e) {
                if (attempt == BUILD_ATTEMPTS) {
                    throw new CacheTooSmall();
                }
            } catch (SQLException e) {
                throw new IOException("derived index", e);
            }
        }
    }

    /**
     * Drops every view of a study, so that the next request builds them again: after new
     * instances are stored into it. The derivatives themselves stay valid and are reused.
     */
    public void dropStudy(String originalStudyUid) throws IOException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM derived_view WHERE original_study_uid = ?")) {
            s.setString(1, originalStudyUid);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("derived index", e);
        }
    }

    private Readiness build(String study, Profile profile, String context, Grant grant, boolean wait, Need need,
                            LockWaits waits) throws SQLException, IOException {
        String version = store.derivativeVersion(profile);
        try (Connection c = db.getConnection()) {
            // Every retrieval asks; nearly always the view is there, and a plain read says so.
            if (exists(c, study, context, version, need)) {
                return Readiness.READY;
            }
        }
        return tx.inNew(() -> {
            try (Connection c = db.getConnection()) {
                // The study's lock (a withdrawal's or revocation's clean-up) and the view's (another
                // build) are waited for as long as the request has left to wait, then 503 with
                // Retry-After: a build of a large study elsewhere does not hold this request without end.
                try {
                    waits.take(c, true, () -> {
                        DerivativeStore.lockStudy(c, study, false);
                        return true;
                    });
                    if (!grant.stillHolds()) {
                        return Readiness.NOT_VISIBLE;
                    }
                    if (!waits.take(c, wait, () -> lockView(c, "view|" + study + "|" + context + "|" + version, wait))) {
                        return Readiness.BUSY;
                    }
                    lockTimeout(c, 0);
                } catch (SQLException e) {
                    if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                        throw new LockWaitedOut();
                    }
                    throw e;
                }
                if (exists(c, study, context, version, need)) {
                    return Readiness.READY;
                }
                Optional<String> patientKey = patientKey(c, study);
                if (patientKey.isEmpty()) {
                    return Readiness.NOT_VISIBLE;
                }
                // Read once: the listing needs the storage keys, the whole build the SOP Instance UIDs.
                Map<String, String> storageKeys = originalKeys(c, study);
                List<String> originals = List.copyOf(storageKeys.keySet());
                Map<String, Derivative> made = need == Need.LISTING ? store.cached(originals, profile, context) : Map.of();
                // With every derivative made already (the view was dropped by a STOW or an eviction), the
                // whole view costs no more than a listing; otherwise those already withheld stay out of it.
                if (need == Need.LISTING && !made.keySet().containsAll(originals)) {
                    list(c, study, profile, context, version, patientKey.get(), storageKeys, made);
                    return Readiness.READY;
                }
                List<NewInstance> derived = new ArrayList<>();
                // Deriving is the CPU-heavy part: it takes a turn at the gate (503 when too much runs).
                // The derivatives commit in transactions of their own (Transactions), this one waits.
                try (org.veil.dicom.ComputeGate.Turn turn = gate.enter()) {
                    for (Derivative d : store.deriveAll(originals, profile, context)) {
                        if (!d.withheld()) {
                            try {
                                derived.add(parse(d));
                            } catch (java.nio.file.NoSuchFileException gone) {
                                // Evicted between its making and this read, by this build's own
                                // eviction or another's: as when its row is found gone below.
                                throw new EvictedMeanwhile();
                            }
                        }
                    }
                }
                holdDerivatives(c, derived, context);
                // The listing a search built goes in the same transaction: a search sees one or the other.
                dropListing(c, study, context, version);
                // Withheld, or gone from the store since the list was read: no row, counted.
                long view = insertView(c, study, context, version, patientKey.get(), originals.size() - derived.size(), true);
                IndexWriter.insert(c, derived, IndexTarget.view(view));
                return Readiness.READY;
            }
        });
    }

    /**
     * A listing: each original read up to its pixels and its attributes de-identified ({@link
     * org.veil.deid.Deidentifier#list}), their derived UIDs kept in the reverse map (a search's
     * UIDs must reach the study), indexed with no storage key, which retrieval never reads
     * ({@code InstanceRepository.find}). No derivative is made, no file written. An instance
     * whose derivative was withheld already stays out: what has been judged is not listed again.
     */
    private void list(Connection c, String study, Profile profile, String context, String version, String patientKey,
                      Map<String, String> storageKeys, Map<String, Derivative> made) throws SQLException, IOException {
        List<NewInstance> listed = new ArrayList<>();
        Map<String, String> derivedUids = new HashMap<>();
        try (org.veil.dicom.ComputeGate.Turn turn = gate.enter()) {
            for (Map.Entry<String, String> original : storageKeys.entrySet()) {
                Derivative judged = made.get(original.getKey());
                if (judged != null && judged.withheld()) {
                    continue;
                }
                Outcome outcome;
                try (FileChannel ch = blobs.open(original.getValue()); InputStream in = Channels.newInputStream(ch)) {
                    try {
                        outcome = store.engine().list(in, profile, context);
                    } catch (MalformedDicomException | IOException e) {
                        // A header that cannot be read is not listed; the whole build withholds it as well.
                        continue;
                    }
                }
                if (outcome instanceof Outcome.Derived d) {
                    try {
                        listed.add(new NewInstance(InstanceParser.parse(new ByteArrayInputStream(d.part10()), limits),
                                UNJUDGED, 0, UNJUDGED));
                    } catch (MalformedDicomException e) {
                        throw new IOException("a listing cannot be read back", e);
                    }
                    derivedUids.putAll(d.derivedUids());
                }
            }
        }
        DerivativeStore.recordUids(c, derivedUids, context, store.keyVersion());
        long view = insertView(c, study, context, version, patientKey, storageKeys.size() - listed.size(), false);
        IndexWriter.insert(c, listed, IndexTarget.view(view));
    }

    private static void dropListing(Connection c, String study, String context, String version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                DELETE FROM derived_view WHERE original_study_uid = ? AND context = ? AND key_version = ? AND NOT pixels_judged""")) {
            s.setString(1, study);
            s.setString(2, context);
            s.setString(3, version);
            s.executeUpdate();
        }
    }

    private NewInstance parse(Derivative d) throws IOException {
        try (FileChannel ch = blobs.open(d.storageKey()); InputStream in = Channels.newInputStream(ch)) {
            return new NewInstance(InstanceParser.parse(new java.io.BufferedInputStream(in, 64 * 1024), limits),
                    d.storageKey(), d.sizeBytes(), d.storageKey());
        } catch (MalformedDicomException e) {
            // Veil wrote this file itself; failing to read it back is a defect, not bad input.
            throw new IOException("a derivative cannot be read back", e);
        }
    }

    /**
     * Share-locks the derivative rows the view will point at, so that an eviction running now
     * skips them; if one is already gone, the build starts again.
     */
    private static void holdDerivatives(Connection c, List<NewInstance> derived, String context) throws SQLException {
        Set<String> wanted = new HashSet<>();
        derived.forEach(d -> wanted.add(d.storageKey()));
        if (wanted.isEmpty()) {
            return;
        }
        Set<String> held = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT storage_key FROM derivative WHERE storage_key = ANY(?) AND context = ? FOR SHARE")) {
            s.setArray(1, c.createArrayOf("text", wanted.toArray()));
            s.setString(2, context);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getString(1));
                }
            }
        }
        if (!held.containsAll(wanted)) {
            throw new EvictedMeanwhile();
        }
    }

    /**
     * The study's or the view's lock was not had within the compute gate's wait: another request
     * or replica is building the view, or a withdrawal's clean-up holds the study. Busy (503 with
     * Retry-After) for a retrieval; a search leaves the study out and says so.
     */
    public static final class LockWaitedOut extends org.veil.dicom.ComputeGate.BusyException {
        LockWaitedOut() {
            super("the study is being prepared by another request; try again in a few seconds");
        }
    }

    /**
     * A view whose derivatives were evicted while it was built, every time it was tried: the
     * study's copies, with what others are building, do not fit {@code veil.deid.cache-max-bytes}.
     * The server's state, not the request's fault: 503, and the operator's to raise the bound.
     */
    public static final class CacheTooSmall extends RuntimeException {
        CacheTooSmall() {
            super("the study's de-identified copies do not fit the derivative cache now; try again later", null, false, false);
        }
    }

    /** PostgreSQL's lock_not_available, which lock_timeout raises. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    /** How long this transaction waits for a lock from here on; 0 without a bound, as the session default. */
    private static void lockTimeout(Connection c, long millis) throws SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute(millis > 0 ? "SET LOCAL lock_timeout = " + millis : "SET LOCAL lock_timeout TO DEFAULT");
        }
    }

    /** The view's build lock, until the transaction ends: waited for, or only taken when free (false when not). */
    private static boolean lockView(Connection c, String name, boolean wait) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(wait ? "SELECT pg_advisory_xact_lock(hashtext(?))"
                : "SELECT pg_try_advisory_xact_lock(hashtext(?))")) {
            s.setString(1, name);
            if (wait) {
                s.execute();
                return true;
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static boolean exists(Connection c, String study, String context, String version, Need need) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM derived_view WHERE original_study_uid = ? AND context = ?"
                + " AND key_version = ?" + (need == Need.DERIVATIVES ? " AND pixels_judged" : ""))) {
            s.setString(1, study);
            s.setString(2, context);
            s.setString(3, version);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<String> patientKey(Connection c, String study) throws SQLException {
        // Share-locked until the view commits: a STOW into the study updates this row, so it
        // waits, commits, then drops the view; or it went first and the build sees its instances.
        try (PreparedStatement s = c.prepareStatement(
                "SELECT issuer_of_patient_id, patient_id FROM study WHERE study_instance_uid = ? FOR SHARE")) {
            s.setString(1, study);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(DerivativeStore.patientKey(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** The study's originals' storage keys by SOP Instance UID, in the order they were stored. */
    private static Map<String, String> originalKeys(Connection c, String study) throws SQLException {
        Map<String, String> keys = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT i.sop_instance_uid, i.storage_key FROM instance i JOIN study st ON st.id = i.study_fk
                 WHERE st.study_instance_uid = ? ORDER BY i.id""")) {
            s.setString(1, study);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return keys;
    }

    private static long insertView(Connection c, String study, String context, String version, String patientKey, int withheld,
                                   boolean pixelsJudged) throws SQLException {
        // A view of this study and context made under another version goes first: after a change of
        // recipe (an upgrade, a rule file, a profile's options) with the same secret, its rows hold the
        // same derived UIDs, so the new rows would meet them and be taken for them, and the old
        // derivatives, made under the old rules, would go on being served under the new view.
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM derived_view WHERE original_study_uid = ? AND context = ? AND key_version <> ?")) {
            s.setString(1, study);
            s.setString(2, context);
            s.setString(3, version);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO derived_view (original_study_uid, context, key_version, patient_key, instances_withheld, pixels_judged)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")) {
            s.setString(1, study);
            s.setString(2, context);
            s.setString(3, version);
            s.setString(4, patientKey);
            s.setInt(5, withheld);
            s.setBoolean(6, pixelsJudged);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A derivative the view needs was evicted between being made and being held; the build's transaction rolls back. */
    private static final class EvictedMeanwhile extends RuntimeException {
        EvictedMeanwhile() {
            super(null, null, false, false);
        }
    }
}
