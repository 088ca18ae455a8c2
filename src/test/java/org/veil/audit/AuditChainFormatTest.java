package org.veil.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two chain formats on the same rows: the first hashes a list {@code {"a,b"}} as {@code {a,b}}
 * and a missing value as an empty one, so those edits keep a row's hash; the second tells them
 * apart, keyed and unkeyed, and covers the detail without a key too.
 */
class AuditChainFormatTest {
    private static final AuditChain.Key KEY = AuditChain.Key.of("a secret of sixteen bytes or more");
    private static final String PREVIOUS = AuditChain.GENESIS;

    private static AuditEvent row(List<String> studies, List<String> patients, String reason, String detail) {
        return new AuditEvent(Instant.parse("2026-12-01T00:00:00Z"), "sub-1", "clinician", List.of("clinician"), null, "veil-viewer",
                "127.0.0.1", "QIDO studies", AuditEvent.QUERY, studies, patients, 0, AuditEvent.Outcome.SUCCESS, reason, detail);
    }

    @Test
    void aListRejoinedKeepsTheFirstFormatsHashAndBreaksTheSeconds() {
        AuditEvent two = row(List.of("1.2.840.1", "1.2.840.2"), List.of("P-1", "P-2"), null, null);
        AuditEvent one = row(List.of("1.2.840.1,1.2.840.2"), List.of("P-1,P-2"), null, null);
        assertThat(AuditChain.hash(1, KEY, PREVIOUS, 42, one)).as("the weakness, shown").isEqualTo(AuditChain.hash(1, KEY, PREVIOUS, 42, two));
        assertThat(AuditChain.hash(1, null, PREVIOUS, 42, one)).isEqualTo(AuditChain.hash(1, null, PREVIOUS, 42, two));
        assertThat(AuditChain.hash(2, KEY, PREVIOUS, 42, one)).isNotEqualTo(AuditChain.hash(2, KEY, PREVIOUS, 42, two));
        assertThat(AuditChain.hash(2, null, PREVIOUS, 42, one)).isNotEqualTo(AuditChain.hash(2, null, PREVIOUS, 42, two));
    }

    @Test
    void aMissingValueIsNotAnEmptyOneAndAnEmptyListIsNotAListOfOneEmpty() {
        AuditEvent missing = row(List.of(), List.of(), null, null);
        AuditEvent empty = row(List.of(""), List.of(""), "", "");
        assertThat(AuditChain.hash(1, KEY, PREVIOUS, 7, missing)).isEqualTo(AuditChain.hash(1, KEY, PREVIOUS, 7, empty));
        assertThat(AuditChain.hash(2, KEY, PREVIOUS, 7, missing)).isNotEqualTo(AuditChain.hash(2, KEY, PREVIOUS, 7, empty));
        assertThat(AuditChain.hash(2, null, PREVIOUS, 7, missing)).isNotEqualTo(AuditChain.hash(2, null, PREVIOUS, 7, empty));
    }

    @Test
    void theSecondFormatCoversTheDetailWithoutAKey() {
        AuditEvent asked = row(List.of(), List.of(), null, "query: PatientName=DOE^JOHN");
        AuditEvent rewritten = row(List.of(), List.of(), null, "query: Modality=CT");
        assertThat(AuditChain.hash(1, null, PREVIOUS, 9, asked)).as("the first format's unkeyed chain leaves it out")
                .isEqualTo(AuditChain.hash(1, null, PREVIOUS, 9, rewritten));
        assertThat(AuditChain.hash(2, null, PREVIOUS, 9, asked)).isNotEqualTo(AuditChain.hash(2, null, PREVIOUS, 9, rewritten));
        assertThat(AuditChain.hash(2, KEY, PREVIOUS, 9, asked)).as("keyed and unkeyed differ")
                .isNotEqualTo(AuditChain.hash(2, null, PREVIOUS, 9, asked));
    }
}
