package org.veil.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.veil.consent.ConsentRegistry;
import org.veil.policy.AccessDecision;
import org.veil.policy.AccessPolicy;
import org.veil.policy.Caller;
import org.veil.policy.Purpose;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Requirement;
import org.veil.policy.Role;

/**
 * The search's SQL and the retrieval's Java must agree on every study: random consent and share
 * histories (validity windows around now, withdrawals and revocations before and after now,
 * every method and audience kind) are written to the real registry tables, and for each kind
 * of caller both evaluations are compared study by study.
 */
@QuarkusTest
class VisibilitySqlTest {
    private static final int STUDIES = 150;
    private static final List<String> METHODS = List.of("written", "electronic", "verbal");
    private static final List<String> SCOPES = List.of("consultation", "teaching", "research", "publication");

    @Inject
    AgroalDataSource db;
    @Inject
    ConsentRegistry registry;

    @Test
    void searchAndRetrievalDecideAlike() throws Exception {
        Random random = new Random(20261122);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> studies = new ArrayList<>();
        String run = "2.25.3131" + System.nanoTime() % 1_000_000 + ".";
        for (int n = 0; n < STUDIES; n++) {
            String study = run + n;
            studies.add(study);
            for (int c = random.nextInt(3); c > 0; c--) {
                consent(study, random, now);
            }
            for (int s = random.nextInt(4); s > 0; s--) {
                share(study, random, now);
            }
        }
        List<Caller> callers = List.of(
                caller(Role.CONSULTANT, Purpose.CONSULTATION, "sub-consultant", "consultant", Set.of("/partners/a"), "Org A", "veil-viewer"),
                caller(Role.CONSULTANT, Purpose.CONSULTATION, "sub-other", "other", Set.of("/partners/b"), "Org B", "veil-cli"),
                caller(Role.EDUCATOR, Purpose.TEACHING, "sub-educator", "educator", Set.of(), null, "veil-viewer"),
                caller(Role.RESEARCHER, Purpose.RESEARCH, "sub-researcher", "researcher", Set.of(), null, "veil-viewer"),
                caller(Role.CLINICIAN, Purpose.PUBLICATION, "sub-clinician", "clinician", Set.of(), null, "veil-viewer"));
        int agreed = 0;
        int visible = 0;
        for (AccessPolicy policy : List.of(new AccessPolicy(AccessPolicy.Settings.DEFAULTS), new AccessPolicy(new AccessPolicy.Settings(true, true)))) {
            for (Caller caller : callers) {
                Requirement.Deidentified r = (Requirement.Deidentified) policy.requirement(caller);
                Map<String, Optional<String>> sql = sql(r, studies, now);
                for (String study : studies) {
                    AccessDecision java = r.evaluate(registry.consents(study), registry.shares(study), now);
                    Optional<String> expected = java instanceof AccessDecision.Deidentified d ? Optional.of(d.context()) : Optional.empty();
                    assertThat(sql.get(study)).as(caller.username() + " on " + study + ": " + java).isEqualTo(expected);
                    agreed++;
                    visible += expected.isPresent() ? 1 : 0;
                }
            }
        }
        // Both answers must occur often enough for the agreement to mean something.
        assertThat(visible).isBetween(agreed / 20, agreed - agreed / 20);
        System.out.printf("visibility: SQL and Java agree on %d decisions, %d visible%n", agreed, visible);
    }

    /** The context each study is seen in, by the search's SQL; empty when it is not visible. */
    private Map<String, Optional<String>> sql(Requirement.Deidentified r, List<String> studies, Instant now) throws Exception {
        VisibilitySql.Fragment context = VisibilitySql.context(r, "x.uid", now);
        VisibilitySql.Fragment consented = VisibilitySql.consented(r, "x.uid", now);
        Map<String, Optional<String>> out = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT x.uid, " + context.sql() + ", " + consented.sql() + " FROM unnest(?::text[]) AS x(uid)")) {
            int n = 1;
            for (Object p : context.params()) {
                s.setObject(n++, p);
            }
            for (Object p : consented.params()) {
                s.setObject(n++, p);
            }
            s.setArray(n, c.createArrayOf("text", studies.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2) != null && rs.getBoolean(3) ? Optional.of(rs.getString(2)) : Optional.empty());
                }
            }
        }
        return out;
    }

    private void consent(String study, Random random, Instant now) throws Exception {
        UUID id = UUID.randomUUID();
        Instant from = now.plus(random.nextInt(40) - 30, ChronoUnit.DAYS);
        Instant until = random.nextInt(4) == 0 ? null : from.plus(random.nextInt(60) + 1, ChronoUnit.DAYS);
        List<String> scopes = new ArrayList<>();
        for (String s : SCOPES) {
            if (random.nextBoolean()) {
                scopes.add(s);
            }
        }
        if (scopes.isEmpty()) {
            scopes.add(SCOPES.get(random.nextInt(SCOPES.size())));
        }
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO consent (id, study_instance_uid, scopes, method, recorded_by, recorded_at, valid_from, valid_until)
                    VALUES (?, ?, ?, ?, 'test', ?, ?, ?)""")) {
                s.setObject(1, id);
                s.setString(2, study);
                s.setArray(3, c.createArrayOf("text", scopes.toArray()));
                s.setString(4, METHODS.get(random.nextInt(METHODS.size())));
                s.setTimestamp(5, Timestamp.from(from));
                s.setTimestamp(6, Timestamp.from(from));
                s.setTimestamp(7, until == null ? null : Timestamp.from(until));
                s.executeUpdate();
            }
            if (random.nextInt(3) == 0) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO consent_withdrawal (consent_id, withdrawn_by, withdrawn_at, reason) VALUES (?, 'test', ?, 'test')")) {
                    s.setObject(1, id);
                    s.setTimestamp(2, Timestamp.from(now.plus(random.nextInt(20) - 10, ChronoUnit.DAYS)));
                    s.executeUpdate();
                }
            }
        }
    }

    private void share(String study, Random random, Instant now) throws Exception {
        UUID id = UUID.randomUUID();
        String[][] audiences = {{"user", "sub-consultant"}, {"user", "consultant"}, {"user", "other"}, {"group", "/partners/a"},
                {"group", "/partners/b"}, {"organisation", "Org A"}, {"client", "veil-viewer"}, {"client", "veil-cli"}};
        String[] audience = audiences[random.nextInt(audiences.length)];
        try (Connection c = db.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO study_share (id, study_instance_uid, purpose, audience_type, audience, expires_at, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'test', ?)""")) {
                s.setObject(1, id);
                s.setString(2, study);
                s.setString(3, random.nextInt(5) == 0 ? "teaching" : "consultation");
                s.setString(4, audience[0]);
                s.setString(5, audience[1]);
                s.setTimestamp(6, Timestamp.from(now.plus(random.nextInt(20) - 5, ChronoUnit.DAYS)));
                s.setTimestamp(7, Timestamp.from(now.minus(30, ChronoUnit.DAYS)));
                s.executeUpdate();
            }
            if (random.nextInt(4) == 0) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO share_revocation (share_id, revoked_by, revoked_at) VALUES (?, 'test', ?)")) {
                    s.setObject(1, id);
                    s.setTimestamp(2, Timestamp.from(now.plus(random.nextInt(10) - 5, ChronoUnit.DAYS)));
                    s.executeUpdate();
                }
            }
        }
    }

    private static Caller caller(Role role, Purpose purpose, String subject, String username, Set<String> groups, String org,
                                 String client) {
        return new Caller(subject, username, Set.of(role), new PurposeDecision.Granted(purpose), client,
                Optional.ofNullable(org), groups);
    }
}
