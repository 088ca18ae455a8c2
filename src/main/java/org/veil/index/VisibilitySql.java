package org.veil.index;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.veil.policy.Audience;
import org.veil.policy.Requirement;

/**
 * {@link Requirement.Deidentified#evaluate} as SQL, over a column holding the original
 * StudyInstanceUID: which studies are visible, and in which context. It mirrors the Java rule
 * line by line (consent active at the time and covering the scope, in writing where required;
 * for a share, the lowest id among active shares naming the caller), and a test holds the two
 * to the same answers.
 */
public final class VisibilitySql {
    /** A piece of SQL and its parameters, in order. */
    public record Fragment(String sql, List<Object> params) {
    }

    private VisibilitySql() {
    }

    /** The context the study is seen in, as an SQL expression; NULL when a required share is missing. */
    public static Fragment context(Requirement.Deidentified r, String studyColumn, Instant now) {
        if (r.sharePurpose().isEmpty()) {
            return new Fragment("?::text", List.of(r.context()));
        }
        List<Object> params = new ArrayList<>();
        StringBuilder names = new StringBuilder();
        for (Audience a : r.audiences()) {
            names.append(names.isEmpty() ? "" : " OR ").append("(sh.audience_type = ? AND sh.audience = ?)");
            params.add(a.type().name().toLowerCase(java.util.Locale.ROOT));
            params.add(a.value());
        }
        List<Object> all = new ArrayList<>(List.of(Requirement.Deidentified.SHARE_CONTEXT_PREFIX, r.sharePurpose().get().scopeName(),
                ts(now)));
        all.addAll(params);
        return new Fragment("""
                (SELECT ? || min(sh.id::text COLLATE "C") FROM study_share sh
                   LEFT JOIN share_revocation sr ON sr.share_id = sh.id
                  WHERE sh.study_instance_uid = %s AND sh.purpose = ? AND sh.expires_at > ?
                    AND sr.share_id IS NULL AND (%s))"""
                .formatted(studyColumn, names.isEmpty() ? "false" : names), all);
    }

    /** True when the study's consent satisfies the requirement (always, when none is needed). */
    public static Fragment consented(Requirement.Deidentified r, String studyColumn, Instant now) {
        if (r.consentScope().isEmpty()) {
            return new Fragment("true", List.of());
        }
        String scope = r.consentScope().get().scopeName();
        Fragment active = new Fragment("""
                EXISTS (SELECT 1 FROM consent c LEFT JOIN consent_withdrawal cw ON cw.consent_id = c.id
                         WHERE c.study_instance_uid = %s AND c.scopes @> ARRAY[?]::text[]
                           AND c.valid_from <= ? AND (c.valid_until IS NULL OR c.valid_until > ?)
                           AND cw.consent_id IS NULL%s)"""
                .formatted(studyColumn, r.written() ? " AND c.method = 'written'" : ""),
                List.of(scope, ts(now), ts(now)));
        if (!r.unlessNoneRecorded()) {
            return active;
        }
        List<Object> params = new ArrayList<>(List.of(scope));
        params.addAll(active.params());
        return new Fragment("""
                (NOT EXISTS (SELECT 1 FROM consent c WHERE c.study_instance_uid = %s AND c.scopes @> ARRAY[?]::text[]) OR %s)"""
                .formatted(studyColumn, active.sql()), params);
    }

    /** Bound as timestamptz, whatever the session's time zone. */
    private static OffsetDateTime ts(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
