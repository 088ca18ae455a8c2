package org.veil.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.veil.dicom.BulkDataUris;
import org.veil.dicom.QueryLevel;
import org.veil.dicom.Tag;

/**
 * Runs QIDO-RS searches as SQL on the index and answers with each match's default attributes
 * (PS3.18 Tables 10.6.3-3 to -5), the matching keys and any {@code includefield}s.
 */
@ApplicationScoped
public class QidoSearch {
    private static final Set<Integer> STUDY_DEFAULTS = Set.of(Tag.SpecificCharacterSet, Tag.StudyDate, Tag.StudyTime,
            Tag.AccessionNumber, 0x00080056, Tag.ModalitiesInStudy, Tag.ReferringPhysicianName, Tag.TimezoneOffsetFromUTC,
            Tag.RetrieveURL, Tag.PatientName, Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex, Tag.StudyInstanceUID,
            Tag.StudyID, Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances);
    private static final Set<Integer> SERIES_DEFAULTS = Set.of(Tag.SpecificCharacterSet, Tag.Modality,
            Tag.TimezoneOffsetFromUTC, Tag.SeriesDescription, Tag.RetrieveURL, Tag.SeriesInstanceUID, Tag.SeriesNumber,
            Tag.NumberOfSeriesRelatedInstances, Tag.PerformedProcedureStepStartDate, Tag.PerformedProcedureStepStartTime,
            Tag.RequestAttributesSequence);
    private static final Set<Integer> INSTANCE_DEFAULTS = Set.of(Tag.SpecificCharacterSet, Tag.SOPClassUID,
            Tag.SOPInstanceUID, 0x00080056, Tag.TimezoneOffsetFromUTC, Tag.RetrieveURL, Tag.InstanceNumber, Tag.Rows,
            Tag.Columns, Tag.BitsAllocated, Tag.NumberOfFrames);
    /** Further matches counted at most; beyond it the Warning says "more than" (docs/conformance.md). */
    public static final long COUNT_BOUND = 10_000;
    /**
     * Most characters of study rows a search reads in one round trip: a page whose study
     * attributes (each up to InstanceParser.MAX_LEVEL_JSON_CHARS) could hold more is read through
     * a cursor, 64 rows at a time. 101 rows (OHIF's page) fit.
     */
    static final long STUDY_ROWS_AT_ONCE = 32L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper(org.veil.dicom.StoredJson.FACTORY);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** PostgreSQL's SQLSTATE for a statement cancelled, here by its time limit. */
    private static final String QUERY_CANCELED = "57014";

    private final AgroalDataSource dataSource;

    public QidoSearch(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The matches of one page, whose objects hold at most {@code maxBytes} characters together;
     * beyond it, or beyond the search's time in the database, {@link SearchTooBroadException}.
     */
    public QidoResult search(QidoRequest q, String baseUrl, SearchScope scope, long maxBytes, Duration timeout)
            throws SQLException, InvalidQueryException {
        int timeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds()));
        if (scope instanceof SearchScope.Nothing) {
            return new QidoResult(List.of(), 0, false, List.of());
        }
        QidoSql sql = QidoSql.of(q, scope);
        QueryLevel level = q.level();
        String select = switch (level) {
            case PATIENT, STUDY -> "SELECT s.attributes, s.modalities_in_study, s.number_of_series, s.number_of_instances, s.study_instance_uid";
            case SERIES -> "SELECT s.attributes, s.modalities_in_study, s.number_of_series, s.number_of_instances, s.study_instance_uid,"
                    + " se.attributes, se.number_of_instances, se.series_instance_uid";
            case INSTANCE -> "SELECT s.attributes, s.modalities_in_study, s.number_of_series, s.number_of_instances, s.study_instance_uid,"
                    + " se.attributes, se.number_of_instances, se.series_instance_uid, i.metadata, i.sop_instance_uid";
        };
        select += ", " + QidoSql.originalStudy(scope);
        List<String> out = new ArrayList<>();
        Set<String> originals = new java.util.LinkedHashSet<>();
        boolean more = false;
        long held = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(select + QidoSql.from(level, scope) + sql.where + QidoSql.order(level, scope)
                     + " LIMIT ? OFFSET ?")) {
            // A leading wildcard or a fuzzy name reads every row it cannot rule out by index:
            // every search's cost is bounded, here by the database's time (docs/security.md).
            ps.setQueryTimeout(timeoutSeconds);
            int n = bind(c, ps, sql.params);
            ps.setInt(n++, q.limit() + 1);
            ps.setInt(n, q.offset());
            // Series and instances are read a few rows at a time through a cursor (PgJDBC fetches
            // in batches only outside auto-commit): a page of a thousand of them, each with its
            // study's JSON and an instance's whole metadata, would otherwise be held whole before the
            // first is weighed against maxBytes; an instance's metadata may be 128 Mi characters, so
            // instances come one at a time. A study's row is bounded at STOW (its attributes' JSON,
            // InstanceParser): a study search of a page whose rows could not pass STUDY_ROWS_AT_ONCE
            // (the default 100, OHIF's 101), the most frequent search, keeps its one round trip,
            // a larger page is read through the cursor too. Through a cursor the query timeout times
            // the first batch only (PgJDBC fetches the rest with no timer): the database bounds
            // every batch, and the loop the whole.
            boolean cursor = level == QueryLevel.SERIES || level == QueryLevel.INSTANCE
                    || (q.limit() + 1L) * org.veil.dicom.InstanceParser.MAX_LEVEL_JSON_CHARS > STUDY_ROWS_AT_ONCE;
            if (cursor) {
                c.setAutoCommit(false);
                try (java.sql.Statement limit = c.createStatement()) {
                    limit.execute("SET LOCAL statement_timeout = " + timeoutSeconds * 1000L);
                }
                ps.setFetchSize(level == QueryLevel.INSTANCE ? 1 : level == QueryLevel.SERIES ? 16 : 64);
            }
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            try (ResultSet rs = ps.executeQuery()) {
                int originalColumn = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    if (out.size() == q.limit()) {
                        more = true;
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new SQLException("the search's rows took longer than its bound", QUERY_CANCELED);
                    }
                    String object = render(q, rs, baseUrl, maxBytes, held);
                    held += object.length();
                    if (held > maxBytes) {
                        throw new SearchTooBroadException("the answer would hold more than " + maxBytes
                                + " bytes; ask for fewer results (limit) or fewer attributes (includefield)");
                    }
                    out.add(object);
                    originals.add(rs.getString(originalColumn));
                }
            }
            long remaining = more ? countBeyond(c, q, sql, scope, q.offset() + out.size(), timeoutSeconds) : 0;
            if (cursor) {
                c.commit();
            }
            return new QidoResult(out, Math.min(remaining, COUNT_BOUND), remaining > COUNT_BOUND, List.copyOf(originals));
        } catch (SQLException e) {
            if (QUERY_CANCELED.equals(e.getSQLState())) {
                throw new SearchTooBroadException("the search took longer than " + timeoutSeconds
                        + " s in the index; narrow it (a date range, more of a name before a wildcard)");
            }
            throw e;
        }
    }

    /**
     * How many matches follow this page, for the Warning header, counted up to one past
     * {@link #COUNT_BOUND}: an exact count of everything a broad search matches would read every
     * matching row (about 100 ms for a search with no key among 1,000,000 studies) on each page.
     */
    private long countBeyond(Connection c, QidoRequest q, QidoSql sql, SearchScope scope, int skipped, int timeoutSeconds)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT 1" + QidoSql.from(q.level(), scope)
                + sql.where + " LIMIT ? OFFSET ?) beyond")) {
            ps.setQueryTimeout(timeoutSeconds);
            int n = bind(c, ps, sql.params);
            ps.setLong(n++, COUNT_BOUND + 1);
            ps.setInt(n, skipped);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The original studies this de-identified scope may see whose view in their context is not
     * built yet: what must be built before the search can answer. At most {@code limit}, {@code
     * first} (a study and its context) ahead of the others when it is one of them: a caller who
     * may see a million studies with no view built does not have them all listed on every search.
     */
    public List<Map.Entry<String, String>> unbuiltViews(SearchScope.Deidentified scope, Optional<Map.Entry<String, String>> first,
                                                        int limit) throws SQLException {
        VisibilitySql.Fragment context = VisibilitySql.context(scope.requirement(), "st.study_instance_uid", scope.now());
        VisibilitySql.Fragment consented = VisibilitySql.consented(scope.requirement(), "st.study_instance_uid", scope.now());
        List<Object> params = new ArrayList<>(context.params());
        params.addAll(consented.params());
        params.add(scope.keyVersion());
        String unbuilt = """
                SELECT x.uid, x.ctx FROM (
                    SELECT st.study_instance_uid AS uid, %s AS ctx FROM study st WHERE %s) x
                 WHERE x.ctx IS NOT NULL AND NOT EXISTS (SELECT 1 FROM derived_view v
                       WHERE v.original_study_uid = x.uid AND v.context = x.ctx AND v.key_version = ?)""".formatted(
                context.sql(), consented.sql());
        List<Map.Entry<String, String>> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            // The named study by itself first, then the others up to the limit: one ORDER BY on "is
            // it the named one" would make the database list them all to sort them. The others come
            // in the order of their UIDs' MD5 (V22's index), not of the UIDs, which often hold the
            // acquisition time: which studies a search adds first would tell their order in time.
            if (first.isPresent()) {
                List<Object> named = new ArrayList<>(params);
                named.add(first.get().getKey());
                named.add(first.get().getValue());
                out.addAll(unbuilt(c, unbuilt + " AND x.uid = ? AND x.ctx = ?", named));
            }
            List<Object> ordered = new ArrayList<>(params);
            ordered.add(limit);
            for (Map.Entry<String, String> e : unbuilt(c, unbuilt + " ORDER BY md5(x.uid) LIMIT ?", ordered)) {
                if (out.size() < limit && !first.equals(Optional.of(e))) { // the named one is in already
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static List<Map.Entry<String, String>> unbuilt(Connection c, String sql, List<Object> params) throws SQLException {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Map.entry(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    private static int bind(Connection c, PreparedStatement ps, List<Object> params) throws SQLException {
        int n = 1;
        for (Object p : params) {
            if (p instanceof String[] array) {
                ps.setArray(n++, c.createArrayOf("text", array));
            } else {
                ps.setObject(n++, p);
            }
        }
        return n;
    }

    /**
     * One match as its DICOM JSON object. An instance's whole metadata asked for ({@code
     * includefield=all}) longer than the room the answer has left ({@code maxBytes} less what it
     * {@code held}) is refused before anything of it is copied.
     */
    private String render(QidoRequest q, ResultSet rs, String baseUrl, long maxBytes, long held)
            throws SQLException, SearchTooBroadException {
        Set<Integer> wanted = new HashSet<>(q.includeFields());
        q.matches().keySet().forEach(k -> wanted.add(k.returned()));
        TreeMap<String, JsonNode> fields = new TreeMap<>();
        boolean scopedToStudy = q.studyUid().isPresent();
        String studyUid = rs.getString(5);
        {
            // Under /studies/{uid}/series (or instances) the study's defaults are left out, but a
            // study attribute the client names (includefield or a key) is returned (PS3.18 10.6.3.3).
            Set<Integer> study = q.level() == QueryLevel.STUDY || q.level() == QueryLevel.PATIENT || !scopedToStudy
                    ? union(STUDY_DEFAULTS, wanted) : wanted;
            if (!study.isEmpty()) {
                pick(fields, rs.getString(1), study, q.includeAll() && q.level() == QueryLevel.STUDY);
            }
            Array modalities = rs.getArray(2);
            if (study.contains(Tag.ModalitiesInStudy)) {
                put(fields, Tag.ModalitiesInStudy, "CS", strings((String[]) modalities.getArray()));
            }
            if (q.level() == QueryLevel.STUDY && q.includeFields().contains(Tag.Modality)) {
                // OHIF's study list asks for Modality (a series attribute) at study level: answer
                // with the study's modalities rather than nothing.
                put(fields, Tag.Modality, "CS", strings((String[]) modalities.getArray()));
            }
            if (study.contains(Tag.NumberOfStudyRelatedSeries)) {
                put(fields, Tag.NumberOfStudyRelatedSeries, "IS", NODES.arrayNode().add(rs.getInt(3)));
            }
            if (study.contains(Tag.NumberOfStudyRelatedInstances)) {
                put(fields, Tag.NumberOfStudyRelatedInstances, "IS", NODES.arrayNode().add(rs.getInt(4)));
            }
        }
        String retrieve = baseUrl + "/studies/" + studyUid;
        if (q.level() == QueryLevel.SERIES || q.level() == QueryLevel.INSTANCE) {
            boolean own = q.level() == QueryLevel.SERIES;
            pick(fields, rs.getString(6), own || q.seriesUid().isEmpty() ? union(SERIES_DEFAULTS, wanted) : wanted,
                    q.includeAll() && own);
            if (own || q.seriesUid().isEmpty()) {
                put(fields, Tag.NumberOfSeriesRelatedInstances, "IS", NODES.arrayNode().add(rs.getInt(7)));
            }
            retrieve += "/series/" + rs.getString(8);
        }
        if (q.level() == QueryLevel.INSTANCE) {
            byte[] metadata = rs.getBytes(9);
            if (q.includeAll() && held + metadata.length > maxBytes) {
                throw new SearchTooBroadException("the answer would hold more than " + maxBytes + " bytes (an instance's"
                        + " metadata is " + metadata.length + "); ask for fewer results (limit) or fewer attributes (includefield)");
            }
            pick(fields, metadata, union(INSTANCE_DEFAULTS, wanted), q.includeAll());
            retrieve += "/instances/" + rs.getString(10);
        }
        put(fields, 0x00080056, "CS", strings(new String[] {"ONLINE"}));
        put(fields, Tag.RetrieveURL, "UR", strings(new String[] {retrieve}));
        ObjectNode result = NODES.objectNode();
        fields.forEach(result::set);
        try {
            String rendered = JSON.writeValueAsString(result);
            // The instance's BulkDataURIs made absolute in what was picked, not in its whole metadata.
            return q.level() == QueryLevel.INSTANCE ? BulkDataUris.absolute(rendered, baseUrl) : rendered;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pick(Map<String, JsonNode> into, String json, Set<Integer> tags, boolean all) {
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(json)) {
            pick(into, p, json, tags, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The attributes asked for of a DICOM JSON object, as a stream: those not asked for are
     * skipped without being decoded or built into nodes. An instance's whole metadata may be many
     * megabytes (a long text value), read from the driver's bytes, so that a search of four such
     * rows holds their bytes once rather than three times over.
     */
    private static void pick(Map<String, JsonNode> into, byte[] json, Set<Integer> tags, boolean all) {
        try (com.fasterxml.jackson.core.JsonParser p = JSON.getFactory().createParser(json)) {
            pick(into, p, json, tags, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each attribute picked is kept as the text it is in the stored JSON, not as a tree, whether
     * all are asked for or one is named: an instance's metadata may hold a million elements
     * (veil.dicomweb.max-elements), and as nodes they would take about ten times their text (a
     * sequence of per-frame functional groups named by includefield: hundreds of megabytes for
     * one search row). Values are so answered exactly as stored.
     */
    private static void pick(Map<String, JsonNode> into, com.fasterxml.jackson.core.JsonParser p, Object source, Set<Integer> tags,
                             boolean all) throws IOException {
        if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
            return; // no attributes (as a tree read found none in what is no object)
        }
        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String key = p.currentName();
            com.fasterxml.jackson.core.JsonToken value = p.nextToken();
            if (!all && !tags.contains(Tag.parseHex(key))) {
                p.skipChildren();
            } else if (value == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                into.put(key, NODES.rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(objectText(p, source))));
            } else {
                into.put(key, JSON.readTree(p));
            }
        }
    }

    /** The object the parser is at the start of, skipped, as the text it is in {@code source} (the parser's bytes or string). */
    private static String objectText(com.fasterxml.jackson.core.JsonParser p, Object source) throws IOException {
        if (source instanceof byte[] bytes) {
            int start = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            return new String(bytes, start, (int) p.currentLocation().getByteOffset() - start, java.nio.charset.StandardCharsets.UTF_8);
        }
        String text = (String) source;
        int start = (int) p.currentTokenLocation().getCharOffset();
        p.skipChildren();
        return text.substring(start, (int) p.currentLocation().getCharOffset());
    }

    private static void put(Map<String, JsonNode> into, int tag, String vr, ArrayNode values) {
        ObjectNode attr = NODES.objectNode();
        attr.put("vr", vr);
        if (!values.isEmpty()) {
            attr.set("Value", values);
        }
        into.put(Tag.toHex(tag), attr);
    }

    private static ArrayNode strings(String[] values) {
        ArrayNode a = NODES.arrayNode();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
