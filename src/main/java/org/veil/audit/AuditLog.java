package org.veil.audit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Writes audit rows, each chained to the one before, and reads and verifies them. A write is
 * committed before it returns, so the caller answers only after its act is on record. Writes
 * are serialised by an advisory lock: the chain needs one order.
 */
@ApplicationScoped
public class AuditLog {
    private static final long CHAIN_LOCK = 0x5645494C41554449L;
    /** The deepest page a trail query may ask for (its offset): the database reads and skips every row before it. */
    public static final int MAX_OFFSET = 1_000_000;
    /**
     * The instants the trail's read-outs take, as the consent registry bounds its own: beyond them
     * a JDBC timestamp overflows, or PostgreSQL refuses the year.
     */
    public static final java.time.Instant EARLIEST = java.time.Instant.parse("1900-01-01T00:00:00Z");
    public static final java.time.Instant LATEST = java.time.Instant.parse("9999-12-31T23:59:59Z");

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AuditLog.class);

    private final AgroalDataSource db;
    private final Optional<AuditChain.Key> key;
    private final Optional<Long> keyedSince;

    public AuditLog(AgroalDataSource db, AuditConfig config) {
        this.db = db;
        Optional<String> secret = config.secret().map(String::trim).filter(s -> !s.isEmpty());
        if (secret.isPresent() && secret.get().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 16) {
            throw new IllegalStateException("the audit secret (veil.audit.secret) is shorter than 16 bytes");
        }
        this.key = secret.map(AuditChain.Key::of);
        this.keyedSince = config.keyedSince();
        if (keyedSince.isPresent() && keyedSince.get() < 1) {
            throw new IllegalStateException("veil.audit.keyed-since is the id of a row, a whole number from 1");
        }
        if (key.isPresent()) {
            LOG.infof("the audit chain is keyed (key %s)", key.get().fingerprint());
        } else {
            LOG.warn("no audit secret (VEIL_AUDIT_SECRET): the audit chain is not keyed, so a database owner could rewrite it");
        }
    }

    public record Filter(Optional<String> studyUid, Optional<String> patientId, Optional<String> subject, Optional<String> purpose,
                         Optional<Instant> from, Optional<Instant> to, int limit, int offset) {
    }

    public record Stored(long id, AuditEvent event, String hash, String previousHash) {
    }

    /**
     * The patients a read of the trail names: the one looked up and every one its rows name. A
     * read of the trail is filed under them, so that a patient's own trail shows who read it
     * however the rows were found (by date, by user, by purpose).
     */
    public static List<String> patientsRead(Optional<String> lookedUp, List<Stored> rows) {
        java.util.LinkedHashSet<String> patients = new java.util.LinkedHashSet<>();
        lookedUp.map(String::strip).filter(p -> !p.isEmpty()).ifPresent(patients::add);
        rows.forEach(row -> patients.addAll(row.event().patientIds()));
        return List.copyOf(patients);
    }

    /**
     * The chain recomputed: valid or not, over how many rows; the first row that breaks it and
     * why; the head (the last row's id and hash), which a collector outside Veil can compare with
     * what it received (the syslog copy carries every row's hash); where keyed rows begin and the key.
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Verification(boolean valid, long rows, Long firstBrokenRow, String reason, Long headId, String headHash,
                               Long keyedFrom, String key, Long keyedSince) {
    }

    /** Writes one row and commits it before returning. */
    @Transactional(rollbackOn = Exception.class)
    public void record(AuditEvent event) throws SQLException {
        try (Connection c = db.getConnection()) {
            append(c, event);
        }
    }

    /**
     * Writes one row inside the caller's transaction, which must commit it: for changes that are
     * recorded with their audit row or not at all. The chain lock is held until that commit.
     */
    public void append(Connection c, AuditEvent event) throws SQLException {
        List<String> studies = event.studyUids().stream().map(AuditLog::storable).toList();
        ChainPosition position = takeChainPosition(c, studies);
        java.util.LinkedHashSet<String> patients = new java.util.LinkedHashSet<>();
        event.patientIds().stream().map(AuditLog::storable).forEach(patients::add);
        patients.addAll(position.patientsOfStudies());
        AuditEvent e = new AuditEvent(event.at().truncatedTo(ChronoUnit.MICROS), storable(event.subject()), storable(event.username()),
                event.roles(), storable(event.purpose()), storable(event.clientId()), storable(event.sourceIp()),
                storable(event.action()), event.eventId(), studies, List.copyOf(patients), event.instances(), event.outcome(),
                storable(event.reason()), storable(event.detail()));
        String previous = position.previousHash();
        long id = position.id();
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO audit_event (id, at, subject, username, roles, purpose, client_id, source_ip, action, event_id,
                                         study_uids, patient_ids, instances, outcome, reason, previous_hash, hash, detail, chain_key,
                                         chain_format)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setLong(1, id);
            s.setTimestamp(2, Timestamp.from(e.at()));
            s.setString(3, e.subject());
            s.setString(4, e.username());
            s.setString(5, String.join(",", e.roles()));
            s.setString(6, e.purpose());
            s.setString(7, e.clientId());
            s.setString(8, e.sourceIp());
            s.setString(9, e.action());
            s.setString(10, e.eventId());
            s.setArray(11, c.createArrayOf("text", e.studyUids().toArray()));
            s.setArray(12, c.createArrayOf("text", e.patientIds().toArray()));
            s.setInt(13, e.instances());
            s.setString(14, e.outcome().name().toLowerCase(java.util.Locale.ROOT));
            s.setString(15, e.reason());
            s.setString(16, previous);
            s.setString(17, AuditChain.hash(AuditChain.FORMAT, key.orElse(null), previous, id, e));
            s.setString(18, e.detail());
            s.setString(19, key.map(AuditChain.Key::fingerprint).orElse(null));
            s.setInt(20, AuditChain.FORMAT);
            s.executeUpdate();
        }
    }

    /**
     * PostgreSQL text cannot hold NUL, and a request may carry one (a token's claim, a filter, a
     * study UID in a path): it is recorded as U+FFFD rather than refusing the row, which would
     * turn a bad request into an unrecorded one.
     */
    private static String storable(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
    }

    /** Where the row goes in the chain, and the PatientIDs of the studies it names. */
    private record ChainPosition(String previousHash, long id, List<String> patientsOfStudies) {
    }

    /**
     * Takes the chain lock, then reads the previous row's hash, the next id and the PatientIDs of
     * the event's studies (read in the row's own transaction: one source for every kind of event),
     * in one round trip: the two statements go to PostgreSQL together. The second still runs after
     * the lock is granted, with its own snapshot (READ COMMITTED takes one per statement), so it
     * sees the row another writer committed while this one waited.
     */
    private ChainPosition takeChainPosition(Connection c, List<String> studies) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT pg_advisory_xact_lock(?);
                SELECT (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1), nextval('audit_event_id_seq'),
                       ARRAY(SELECT DISTINCT patient_id FROM study
                              WHERE study_instance_uid = ANY(?) AND patient_id IS NOT NULL ORDER BY 1)""")) {
            s.setLong(1, CHAIN_LOCK);
            s.setArray(2, c.createArrayOf("text", studies.toArray()));
            s.execute();
            if (!s.getMoreResults()) {
                throw new SQLException("the audit chain's position was not answered");
            }
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                String previous = rs.getString(1);
                return new ChainPosition(previous == null ? AuditChain.GENESIS : previous, rs.getLong(2),
                        List.of((String[]) rs.getArray(3).getArray()));
            }
        }
    }

    public List<Stored> query(Filter f) throws SQLException {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
        List<Object> params = new ArrayList<>();
        f.studyUid().ifPresent(v -> {
            // Containment, which the GIN index answers; "? = ANY (…)" reads every row of the trail.
            sql.append(" AND study_uids @> ARRAY[?]::text[]");
            params.add(v);
        });
        f.patientId().ifPresent(v -> {
            sql.append(" AND patient_ids @> ARRAY[?]::text[]");
            params.add(v);
        });
        f.subject().ifPresent(v -> {
            sql.append(" AND (subject = ? OR username = ?)");
            params.add(v);
            params.add(v);
        });
        f.purpose().ifPresent(v -> {
            sql.append(" AND purpose = ?");
            params.add(v);
        });
        f.from().ifPresent(v -> {
            sql.append(" AND at >= ?");
            params.add(Timestamp.from(v));
        });
        f.to().ifPresent(v -> {
            sql.append(" AND at < ?");
            params.add(Timestamp.from(v));
        });
        sql.append(" ORDER BY id LIMIT ? OFFSET ?");
        params.add(f.limit());
        params.add(f.offset());
        List<Stored> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(stored(rs));
                }
            }
        }
        return out;
    }

    /** Rows after an id, oldest first, on the caller's connection: for forwarding. */
    public List<Stored> after(Connection c, long id, int limit) throws SQLException {
        List<Stored> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(SELECT + " WHERE id > ? ORDER BY id LIMIT ?")) {
            s.setLong(1, id);
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(stored(rs));
                }
            }
        }
        return out;
    }

    /**
     * Recomputes the chain from the first row: every link, and every row's hash, unkeyed rows with
     * SHA-256 and keyed rows with this server's key. Once a keyed row has appeared, or from the
     * row where keyed rows are known to begin ({@code veil.audit.keyed-since}, or the one given
     * here, which an auditor keeps outside the database), an unkeyed one breaks the chain (someone
     * without the key rewrote it), and so does a row keyed with another key (which this server
     * cannot check).
     */
    public Verification verify() throws SQLException {
        return verify(Optional.empty());
    }

    /**
     * {@link #verify()}, with where keyed rows begin as the caller knows it: the earlier of that
     * and the configured row, so that a verification can only be stricter than the configuration.
     */
    @Transactional(rollbackOn = Exception.class)
    @TransactionConfiguration(timeout = 3600)
    public Verification verify(Optional<Long> keyedSinceGiven) throws SQLException {
        long keyedSinceId = Math.min(keyedSinceGiven.orElse(Long.MAX_VALUE), keyedSince.orElse(Long.MAX_VALUE));
        Long appliedSince = keyedSinceId == Long.MAX_VALUE ? null : keyedSinceId;
        long rows = 0;
        String previous = AuditChain.GENESIS;
        Long keyedFrom = null;
        Long formatTwoFrom = null;
        Long headId = null;
        // Where keyed rows begin is a row that must be there: rows given new ids below it (or below
        // 1) and rechained unkeyed would otherwise pass, since the check goes by each row's own id.
        boolean anchorSeen = appliedSince == null;
        try (Connection c = db.getConnection()) {
            // The rows are read through a cursor (fetch size), which PostgreSQL keeps only inside a transaction.
            try (PreparedStatement s = c.prepareStatement(SELECT + " ORDER BY id")) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Stored row = stored(rs);
                        String link = rs.getString("previous_hash");
                        String rowKey = rs.getString("chain_key");
                        int format = rs.getInt("chain_format");
                        format = rs.wasNull() ? 1 : format;
                        String broken = null;
                        boolean anchor = !anchorSeen && row.id() >= keyedSinceId;
                        anchorSeen |= anchor;
                        if (row.id() < 1) {
                            broken = "a row id below 1, which the trail's sequence never gives";
                        } else if (anchor && row.id() != keyedSinceId) {
                            broken = "the row where keyed rows begin (row " + keyedSinceId + ") is missing";
                        } else if (!link.equals(previous)) {
                            broken = "the row does not link to the one before";
                        } else if (rowKey == null && keyedFrom != null) {
                            broken = "an unkeyed row after keyed rows";
                        } else if (rowKey == null && row.id() >= keyedSinceId) {
                            broken = "an unkeyed row where keyed rows begin (keyed since row " + keyedSinceId + ")";
                        } else if (rowKey != null && (key.isEmpty() || !key.get().fingerprint().equals(rowKey))) {
                            broken = "the row is keyed with another key than this server's";
                        } else if (format != 1 && format != AuditChain.FORMAT) {
                            broken = "the row names a chain format this server does not know";
                        } else if (format == 1 && formatTwoFrom != null) {
                            // Rows of the first format, whose lists are ambiguous, only precede the second's.
                            broken = "a row of the first chain format after rows of the second";
                        } else if (!AuditChain.hash(format, rowKey == null ? null : key.get(), previous, row.id(), row.event())
                                .equals(row.hash())) {
                            broken = "the row's content does not match its hash";
                        }
                        if (broken != null) {
                            return new Verification(false, rows, row.id(), broken, headId, previous, keyedFrom,
                                    key.map(AuditChain.Key::fingerprint).orElse(null), appliedSince);
                        }
                        if (rowKey != null && keyedFrom == null) {
                            keyedFrom = row.id();
                        }
                        if (format == AuditChain.FORMAT && formatTwoFrom == null) {
                            formatTwoFrom = row.id();
                        }
                        previous = row.hash();
                        headId = row.id();
                        rows++;
                    }
                }
            }
        }
        if (!anchorSeen) {
            return new Verification(false, rows, null, "the row where keyed rows begin (row " + keyedSinceId
                    + ") is missing: the trail ends before it", headId, headId == null ? null : previous, keyedFrom,
                    key.map(AuditChain.Key::fingerprint).orElse(null), appliedSince);
        }
        return new Verification(true, rows, null, null, headId, headId == null ? null : previous, keyedFrom,
                key.map(AuditChain.Key::fingerprint).orElse(null), appliedSince);
    }

    /** The fingerprint of the chain's key, if it is keyed: for the syslog copy. */
    public Optional<String> keyFingerprint() {
        return key.map(AuditChain.Key::fingerprint);
    }

    private static final String SELECT = """
            SELECT id, at, subject, username, roles, purpose, client_id, source_ip, action, event_id, study_uids, patient_ids,
                   instances, outcome, reason, hash, previous_hash, detail, chain_key, chain_format FROM audit_event""";

    private static Stored stored(ResultSet rs) throws SQLException {
        String roles = rs.getString("roles");
        AuditEvent e = new AuditEvent(rs.getTimestamp("at").toInstant(), rs.getString("subject"), rs.getString("username"),
                roles.isEmpty() ? List.of() : Arrays.asList(roles.split(",")), rs.getString("purpose"), rs.getString("client_id"),
                rs.getString("source_ip"), rs.getString("action"), rs.getString("event_id"), strings(rs.getArray("study_uids")),
                strings(rs.getArray("patient_ids")), rs.getInt("instances"),
                AuditEvent.Outcome.valueOf(rs.getString("outcome").toUpperCase(java.util.Locale.ROOT)), rs.getString("reason"),
                rs.getString("detail"));
        return new Stored(rs.getLong("id"), e, rs.getString("hash"), rs.getString("previous_hash"));
    }

    private static List<String> strings(Array a) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Object o : (Object[]) a.getArray()) {
            out.add((String) o);
        }
        return out;
    }
}
