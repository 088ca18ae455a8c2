package org.veil.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The hash that chains audit rows: SHA-256 over the previous row's hash and this row's fields,
 * each length-prefixed, in a fixed order. Plain Java, so that a verifier outside Veil can
 * recompute it from the rows alone.
 */
public final class AuditChain {
    /** The "previous hash" of the first row. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    public static String hash(String previous, long id, AuditEvent e) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String field : List.of(previous, Long.toString(id), e.at().toString(), nz(e.subject()), nz(e.username()),
                    String.join(",", e.roles()), nz(e.purpose()), nz(e.clientId()), nz(e.sourceIp()), e.action(), e.eventId(),
                    String.join(",", e.studyUids()), String.join(",", e.patientIds()), Integer.toString(e.instances()),
                    e.outcome().name(), nz(e.reason()))) {
                byte[] b = field.getBytes(StandardCharsets.UTF_8);
                sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
                sha.update(b);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
