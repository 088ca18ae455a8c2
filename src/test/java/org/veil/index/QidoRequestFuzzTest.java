package org.veil.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.veil.dicom.QueryLevel;

/**
 * QIDO-RS parameters are untrusted text (PS3.18 8.3.4). Whatever names and values a client sends,
 * parsing answers a request or an {@link InvalidQueryException} whose reason repeats no value and
 * no name that is not a plain keyword; and the SQL built from a request carries every value as a
 * bound parameter (one {@code ?} each), never in its text.
 */
class QidoRequestFuzzTest {
    private static final String[] NAMES = {"limit", "offset", "fuzzymatching", "includefield", "PatientName",
            "PatientID", "00100010", "StudyDate", "StudyTime", "StudyInstanceUID", "0020000D", "SeriesInstanceUID",
            "ModalitiesInStudy", "Modality", "SeriesNumber", "InstanceNumber", "SOPClassUID", "AccessionNumber",
            "ReferringPhysicianName", "StudyDescription", "PatientBirthDate", "00080020", "00200011", "PatientSex",
            "00101010", "0020000d", "ReferencedStudySequence.ReferencedSOPInstanceUID"};
    /** The characters of the SQL QidoSql writes itself: a value inlined into it would bring others. */
    private static final String SQL_ALPHABET = "[A-Za-z0-9_ .,()=?<>&'\\\\%]*";

    private static boolean foreign(String s) {
        return s.chars().anyMatch(c -> !(Character.isLetterOrDigit(c) && c < 128) && " .,()-:'_/".indexOf(c) < 0);
    }

    @FuzzTest(maxDuration = "10s")
    void anyParametersParseOrAreRefusedWithoutEcho(FuzzedDataProvider data) {
        QueryLevel level = data.pickValue(QueryLevel.values());
        Map<String, List<String>> params = new LinkedHashMap<>();
        int count = data.consumeInt(0, 6);
        for (int i = 0; i < count; i++) {
            String name = data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeString(40);
            List<String> values = new ArrayList<>();
            int n = data.consumeInt(1, 2);
            for (int v = 0; v < n; v++) {
                values.add(data.consumeString(80));
            }
            params.merge(name, values, (a, b) -> {
                List<String> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            });
        }
        QidoRequest request;
        try {
            request = QidoRequest.parse(level, null, null, params, new QidoRequest.Paging(100, 1000));
        } catch (InvalidQueryException refused) {
            String reason = refused.getMessage();
            assertThat(reason).isNotBlank();
            // Only text with a character no reason uses can be told apart from the reason's own words.
            for (Map.Entry<String, List<String>> p : params.entrySet()) {
                if (foreign(p.getKey())) {
                    assertThat(reason).as("a name that is no keyword is not repeated").doesNotContain(p.getKey());
                }
                for (String value : p.getValue()) {
                    if (foreign(value)) {
                        assertThat(reason).as("a value is not repeated").doesNotContain(value);
                    }
                }
            }
            return;
        }
        assertThat(request.limit()).isBetween(1, 1000);
        assertThat(request.offset()).isNotNegative();
        QidoSql sql = QidoSql.of(request, new SearchScope.Identified());
        String where = sql.where.toString();
        assertThat(where).matches(SQL_ALPHABET);
        assertThat(where).as("every predicate has a condition").doesNotContain("()").doesNotContain("( OR").doesNotContain("OR )");
        assertThat(where.chars().filter(c -> c == '?').count()).as("one placeholder per bound value")
                .isEqualTo(sql.params.size());
    }
}
