package org.veil;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.veil.security.TestTokens;

/**
 * What must hold of a Veil's store, index and audit trail after a {@link MixedLoad}, however it
 * ended: every acknowledged instance is indexed under the SHA-256 of the bytes sent; objects and
 * rows match one to one (no orphan, nothing lost, nothing staged or journalled left over); every
 * stored instance and every consent change has its audit row; and the chain verifies.
 */
public record Consistency(int acked, long missing, int instanceRows, long storedPerAudit, int objects, int orphans,
                          int lost, long corrupt, int leftovers, int derivatives, int consentsAcked, long consentRows,
                          long consentAudits, boolean consentsKept, int withdrawalsAcked, long withdrawalRows,
                          long withdrawalAudits, boolean withdrawalsKept, boolean chainVerifies, long auditRows) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Consistency of(VeilProcess veil, MixedLoad load) throws Exception {
        Map<String, String> rows = new HashMap<>();
        Set<String> derivativeKeys = new HashSet<>();
        Set<String> consentIds = new HashSet<>();
        Set<String> withdrawnIds = new HashSet<>();
        long storedPerAudit;
        long consentAudits;
        long withdrawalAudits;
        try (Connection c = DriverManager.getConnection(veil.db().jdbcUrl(), veil.db().username(), veil.db().password());
             Statement s = c.createStatement()) {
            awaitViewsBuiltAhead(s);
            collect(s, "SELECT sop_instance_uid, storage_key FROM instance", rs -> rows.put(rs.getString(1), rs.getString(2)));
            collect(s, "SELECT storage_key FROM derivative WHERE storage_key IS NOT NULL", rs -> derivativeKeys.add(rs.getString(1)));
            collect(s, "SELECT id FROM consent", rs -> consentIds.add(rs.getString(1)));
            collect(s, "SELECT consent_id FROM consent_withdrawal", rs -> withdrawnIds.add(rs.getString(1)));
            storedPerAudit = single(s, "SELECT coalesce(sum(instances), 0) FROM audit_event WHERE action = 'store' AND outcome = 'success'");
            consentAudits = single(s, "SELECT count(*) FROM audit_event WHERE action = 'consent recorded'");
            withdrawalAudits = single(s, "SELECT count(*) FROM audit_event WHERE action = 'consent withdrawn'");
        }
        List<MixedLoad.Acked> acked = load.acked();
        long missing = acked.stream().filter(a -> !a.sha256().equals(rows.get(a.sop()))).count();
        Set<String> objects = new HashSet<>();
        long corrupt = 0;
        for (Path p : files(veil.storage().resolve("objects"))) {
            objects.add(p.getFileName().toString());
            corrupt += sha256(p).equals(p.getFileName().toString()) ? 0 : 1;
        }
        Set<String> referenced = new HashSet<>(rows.values());
        referenced.addAll(derivativeKeys);
        Set<String> orphans = new HashSet<>(objects);
        orphans.removeAll(referenced);
        Set<String> lost = new HashSet<>(referenced);
        lost.removeAll(objects);
        int leftovers = files(veil.storage().resolve("tmp")).size() + files(veil.storage().resolve("journal")).size();

        HttpResponse<String> verified = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(veil.base() + "/api/v1/audit/verify"))
                .header("Authorization", "Bearer " + TestTokens.of("auditor", "openid")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode verification = verified.statusCode() == 200 ? JSON.readTree(verified.body()) : JSON.createObjectNode();
        return new Consistency(acked.size(), missing, rows.size(), storedPerAudit, objects.size(), orphans.size(), lost.size(),
                corrupt, leftovers, derivativeKeys.size(), load.consents().size(), consentIds.size(), consentAudits,
                consentIds.containsAll(load.consents().keySet()), load.withdrawals().size(), withdrawnIds.size(), withdrawalAudits,
                withdrawnIds.containsAll(load.withdrawals().keySet()), verification.path("valid").asBoolean(false),
                verification.path("rows").asLong());
    }

    public void assertHolds() {
        assertThat(acked).as("the load stored something").isPositive();
        assertThat(missing).as("acknowledged instances missing or changed").isZero();
        assertThat(orphans).as("objects without a row").isZero();
        assertThat(lost).as("rows without their object").isZero();
        assertThat(corrupt).as("objects whose content is not their key").isZero();
        assertThat(leftovers).as("staged files and journals left over").isZero();
        assertThat(storedPerAudit).as("stored instances counted by audit rows").isEqualTo(instanceRows);
        assertThat(consentsKept).as("every acknowledged consent is recorded").isTrue();
        assertThat(consentAudits).as("consents with their audit row").isEqualTo(consentRows);
        assertThat(withdrawalsKept).as("every acknowledged withdrawal is recorded").isTrue();
        assertThat(withdrawalAudits).as("withdrawals with their audit row").isEqualTo(withdrawalRows);
        assertThat(chainVerifies).as("the audit chain verifies").isTrue();
    }

    @Override
    public String toString() {
        return ("%d instances acknowledged, %d missing or changed; %d instance rows, %d counted by audit rows; %d objects, "
                + "%d orphaned, %d lost, %d corrupt, %d staged or journalled left over; %d derivatives; consents %d acknowledged, "
                + "%d rows, %d audit rows; withdrawals %d acknowledged, %d rows, %d audit rows; chain %s over %d rows")
                .formatted(acked, missing, instanceRows, storedPerAudit, objects, orphans, lost, corrupt, leftovers, derivatives,
                        consentsAcked, consentRows, consentAudits, withdrawalsAcked, withdrawalRows, withdrawalAudits,
                        chainVerifies ? "verifies" : "does NOT verify", auditRows);
    }

    private interface Row {
        void accept(ResultSet rs) throws Exception;
    }

    private static void collect(Statement s, String sql, Row row) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }

    private static long single(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The regular files under a directory, none if it does not exist. */
    /**
     * The load has stopped, but the server may still be building views a consent asked for
     * (derivatives.ViewBuilder), staging and journalling as it goes: the counts are taken once it
     * has built them all, so that a file in flight is not taken for a leftover.
     */
    private static void awaitViewsBuiltAhead(Statement s) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
        while (single(s, "SELECT count(*) FROM view_request") > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the views asked for were not built within 5 minutes");
            }
            Thread.sleep(100);
        }
    }

    public static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
