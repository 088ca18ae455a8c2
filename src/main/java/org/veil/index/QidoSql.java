package org.veil.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.veil.dicom.QueryLevel;

/**
 * Builds the SQL for a {@link QidoRequest}: every matching key becomes a predicate on an indexed
 * column with bound parameters (PS3.4 C.2.2.2), never string concatenation of values.
 */
final class QidoSql {
    final StringBuilder where = new StringBuilder(" WHERE true");
    final List<Object> params = new ArrayList<>();

    static QidoSql of(QidoRequest q, SearchScope scope) {
        QidoSql sql = new QidoSql();
        if (scope instanceof SearchScope.Deidentified d) {
            sql.visible(d);
        }
        q.studyUid().ifPresent(uid -> sql.predicate("s.study_instance_uid = ?", uid));
        q.seriesUid().ifPresent(uid -> sql.predicate("se.series_instance_uid = ?", uid));
        for (Map.Entry<MatchKey, String> m : q.matches().entrySet()) {
            if (!m.getValue().isEmpty()) {
                sql.match(m.getKey(), m.getValue(), q.fuzzy());
            }
        }
        return sql;
    }

    /** The tables of a level; in the de-identified index joined to the view, as {@code v}. */
    static String from(QueryLevel level, SearchScope scope) {
        IndexTarget t = scope instanceof SearchScope.Deidentified ? IndexTarget.DERIVED : IndexTarget.ORIGINAL;
        String view = scope instanceof SearchScope.Deidentified ? " JOIN derived_view v ON v.id = s.view_fk" : "";
        return switch (level) {
            case PATIENT, STUDY -> " FROM " + t.study() + " s";
            case SERIES -> " FROM " + t.series() + " se JOIN " + t.study() + " s ON s.id = se.study_fk";
            case INSTANCE -> " FROM " + t.instance() + " i JOIN " + t.series() + " se ON se.id = i.series_fk JOIN "
                    + t.study() + " s ON s.id = i.study_fk";
        } + view;
    }

    /** The original StudyInstanceUID of each row, for the audit trail. */
    static String originalStudy(SearchScope scope) {
        return scope instanceof SearchScope.Deidentified ? "v.original_study_uid" : "s.study_instance_uid";
    }

    /** Only views of the current key, in the context the policy gives the study, of studies it may see now. */
    private void visible(SearchScope.Deidentified d) {
        predicate("v.key_version = ?", d.keyVersion());
        VisibilitySql.Fragment context = VisibilitySql.context(d.requirement(), "v.original_study_uid", d.now());
        predicate("v.context = " + context.sql(), context.params().toArray());
        VisibilitySql.Fragment consented = VisibilitySql.consented(d.requirement(), "v.original_study_uid", d.now());
        predicate(consented.sql(), consented.params().toArray());
    }

    private static final String NEWEST_STUDY_FIRST =
            " ORDER BY s.study_date DESC NULLS LAST, s.study_time DESC NULLS LAST, s.id DESC";
    /**
     * The de-identified index breaks ties by the derived StudyInstanceUID (an HMAC), not the row
     * id: teaching and publication empty StudyDate and StudyTime, so every study ties, and the row
     * ids follow the order the copies were made, which follows the original UIDs (a vendor's UIDs
     * carry a timestamp): the order of the answer would tell which of a patient's studies came
     * first. V17's index is this order.
     */
    private static final String NEWEST_DERIVED_STUDY_FIRST =
            " ORDER BY s.study_date DESC NULLS LAST, s.study_time DESC NULLS LAST, s.study_instance_uid DESC";

    /**
     * Deterministic order, so that pages do not overlap: studies newest first (V12's and V17's
     * indexes, which make a page of a broad search the first rows of one index scan), series by
     * SeriesNumber, instances by InstanceNumber; the row id breaks ties (the derived UID, for
     * studies outside treatment).
     */
    static String order(QueryLevel level, SearchScope scope) {
        String studies = scope instanceof SearchScope.Deidentified ? NEWEST_DERIVED_STUDY_FIRST : NEWEST_STUDY_FIRST;
        return switch (level) {
            case PATIENT, STUDY -> studies;
            case SERIES -> studies + ", se.series_number NULLS LAST, se.id";
            case INSTANCE -> studies + ", se.series_number NULLS LAST, se.id, i.instance_number NULLS LAST, i.id";
        };
    }

    private void predicate(String sql, Object... values) {
        where.append(" AND (").append(sql).append(')');
        params.addAll(List.of(values));
    }

    private void match(MatchKey key, String value, boolean fuzzy) {
        String col = key.column;
        switch (key.matching) {
            case UID_LIST -> predicate(col + " = ANY(?)", (Object) QidoRequest.splitList(value).toArray(String[]::new));
            case INTEGER -> predicate(col + " = ?", Integer.parseInt(value));
            case ARRAY_CONTAINS -> anyElement(col, QidoRequest.splitList(value));
            case ITEM_VALUES -> anyElement(col, List.of(value.split("\\\\", -1)));
            case DATE -> range(col, value, false);
            case TIME -> range(col, value, true);
            case STRING -> anyOf(col, value, "?");
            case PERSON_NAME -> {
                if (fuzzy) {
                    fuzzyName(key, value);
                } else {
                    // Both sides folded by PostgreSQL: Java's upper case of "ß" is "SS", the
                    // database's is "ß", and the two must agree for a name to find itself.
                    anyOf("upper(" + col + ")", personNames(value), "upper(?)");
                }
            }
        }
    }

    /**
     * Each name of a list in the form the index holds ({@link PersonNames#matchForm}); a value of
     * only carets is kept as asked. {@code DOE^*} also matches {@code DOE} alone: the index holds
     * {@code DOE^} so (its empty given name is no component).
     */
    private static String personNames(String value) {
        List<String> names = new ArrayList<>();
        for (String v : value.split("\\\\", -1)) {
            String form = PersonNames.matchForm(v);
            names.add(form.isEmpty() ? v : form);
            String family = form.replaceFirst("\\^+\\*$", "");
            if (!family.equals(form) && !family.isEmpty()) {
                names.add(family);
            }
        }
        return String.join("\\", names);
    }

    /** Single value or wildcard matching; a backslash-separated list matches any of its values. */
    private void anyOf(String col, String value, String param) {
        List<String> parts = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (String v : value.split("\\\\")) {
            if (v.matches("\\*+")) {
                // "*" matches any value, a zero-length one included (PS3.4 C.2.2.2.4), and Veil
                // keeps an empty value as no value: universal matching.
                return;
            }
            if (v.contains("*") || v.contains("?")) {
                parts.add(col + " LIKE " + param + " ESCAPE '\\'");
                values.add(likePattern(v));
            } else {
                parts.add(col + " = " + param);
                values.add(v);
            }
        }
        predicate(String.join(" OR ", parts), values.toArray());
    }

    /**
     * A list of values against a multi-valued column (ModalitiesInStudy): any one of them matching
     * any of the column's values. CS takes wildcards (PS3.4 C.2.2.2.4), and {@code *} alone is
     * universal matching; without wildcards the array overlap keeps to the index. (LIKE's
     * default escape is the backslash {@link #likePattern} writes.)
     */
    private void anyElement(String col, List<String> values) {
        if (values.stream().anyMatch(v -> v.matches("\\*+"))) {
            return;
        }
        if (values.stream().noneMatch(v -> v.contains("*") || v.contains("?"))) {
            predicate(col + " && ?", (Object) values.toArray(String[]::new));
            return;
        }
        List<String> patterns = values.stream().map(QidoSql::likePattern).toList();
        predicate("EXISTS (SELECT 1 FROM unnest(" + col + ") m WHERE m LIKE ANY(?))",
                (Object) patterns.toArray(String[]::new));
    }

    /** Range matching (PS3.4 C.2.2.2.5): open ends are unbounded, bounds inclusive. */
    private void range(String col, String value, boolean prefixUpperBound) {
        int dash = value.indexOf('-');
        if (dash < 0) {
            predicate(col + " = ?", value);
            return;
        }
        String lo = value.substring(0, dash);
        String hi = value.substring(dash + 1);
        if (!lo.isEmpty()) {
            predicate(col + " >= ?", lo);
        }
        if (!hi.isEmpty() && prefixUpperBound) {
            // A time bound given to the hour or minute includes that whole hour or minute.
            predicate("substr(" + col + ", 1, ?) <= ?", hi.length(), hi);
        } else if (!hi.isEmpty()) {
            predicate(col + " <= ?", hi); // dates are always eight digits: a plain, indexable bound
        }
    }

    /**
     * Veil's fuzzy PN matching: case and accents ignored, and every word of the query must start
     * a component of the name, in any order ("joh do" matches "DOE^JOHN").
     */
    private void fuzzyName(MatchKey key, String value) {
        // The column's accents go as the query's do (PersonNames.normalize); the alphabetic group
        // alone is not cut out here, so an ideographic group can match too.
        String expr = key == MatchKey.PatientName ? "s.patient_name_norm"
                : "upper(translate(" + key.column + ", '^=" + PersonNames.ACCENTED[0] + "', '  " + PersonNames.ACCENTED[1] + "'))";
        for (String word : PersonNames.normalize(value.replace("*", " ").replace("?", " ")).split(" ")) {
            if (!word.isEmpty()) {
                String w = escapeLike(word);
                predicate(expr + " LIKE ? ESCAPE '\\' OR " + expr + " LIKE ? ESCAPE '\\'", w + "%", "% " + w + "%");
            }
        }
    }

    private static String likePattern(String v) {
        return escapeLike(v).replace('*', '%').replace('?', '_');
    }

    private static String escapeLike(String v) {
        return v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
