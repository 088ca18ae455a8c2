package org.veil.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The hash that chains audit rows over the previous row's hash and this row's fields, each
 * length-prefixed, in a fixed order. Rows are keyed: an HMAC-SHA256 with a key derived from
 * {@code veil.audit.secret}, so that someone who can write to the database cannot rewrite the chain
 * after an edit (issue 14); rows written before keying used plain SHA-256 and are still verified
 * as such. Plain Java, so that a verifier outside Veil holding the secret can recompute it from the
 * rows alone.
 */
public final class AuditChain {
    /** The "previous hash" of the first row. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    /** The key of the chain, derived from a secret, and its public fingerprint (what rows name). */
    public record Key(byte[] mac, String fingerprint) {
        /** Derived with its own label, so that a secret shared with de-identification keys nothing else the same way. */
        public static Key of(String secret) {
            byte[] derived = hmac(secret.getBytes(StandardCharsets.UTF_8), List.of("veil-audit-chain"));
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update("veil-audit-key".getBytes(StandardCharsets.US_ASCII));
                return new Key(derived, HexFormat.of().formatHex(sha.digest(derived), 0, 6));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "Key[" + fingerprint + "]";
        }
    }

    /** The unkeyed chain of the rows written before the chain was keyed (no detail field). */
    public static String hash(String previous, long id, AuditEvent e) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String field : fields(previous, id, e)) {
                update(sha, field);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The keyed chain: HMAC-SHA256 over the same fields and the detail. */
    public static String mac(Key key, String previous, long id, AuditEvent e) {
        List<String> all = new java.util.ArrayList<>(fields(previous, id, e));
        all.add(nz(e.detail()));
        return HexFormat.of().formatHex(hmac(key.mac(), all));
    }

    private static List<String> fields(String previous, long id, AuditEvent e) {
        return List.of(previous, Long.toString(id), e.at().toString(), nz(e.subject()), nz(e.username()),
                String.join(",", e.roles()), nz(e.purpose()), nz(e.clientId()), nz(e.sourceIp()), e.action(), e.eventId(),
                String.join(",", e.studyUids()), String.join(",", e.patientIds()), Integer.toString(e.instances()),
                e.outcome().name(), nz(e.reason()));
    }

    private static byte[] hmac(byte[] key, List<String> fields) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            for (String field : fields) {
                byte[] b = field.getBytes(StandardCharsets.UTF_8);
                mac.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
                mac.update(b);
            }
            return mac.doFinal();
        } catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
    }

    private static void update(MessageDigest sha, String field) {
        byte[] b = field.getBytes(StandardCharsets.UTF_8);
        sha.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
        sha.update(b);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
