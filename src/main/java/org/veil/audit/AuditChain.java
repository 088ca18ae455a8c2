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
 *
 * <p>Two formats, named by each row ({@code chain_format}). The first joined the lists with commas
 * before prefixing them and wrote a missing value as an empty one, so a row's {@code {"a,b"}}
 * hashed as {@code {a,b}}, and NULL as {@code ''}: an owner of the database could move a study or
 * patient out of a row's list (and so out of that patient's disclosure report) without breaking
 * the chain. The second ({@link #FORMAT}) encodes every value with its kind, each list with its
 * count, and covers the detail in the unkeyed chain too.
 */
public final class AuditChain {
    /** The "previous hash" of the first row. */
    public static final String GENESIS = "0".repeat(64);
    /** The format rows are written in. */
    public static final int FORMAT = 2;
    private static final byte NULL = 0;
    private static final byte TEXT = 1;
    private static final byte LIST = 2;

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

    /** The first format's unkeyed chain, of the rows written before the chain was keyed (no detail field). */
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

    /** The first format's keyed chain: HMAC-SHA256 over the same fields and the detail. */
    public static String mac(Key key, String previous, long id, AuditEvent e) {
        List<String> all = new java.util.ArrayList<>(fields(previous, id, e));
        all.add(nz(e.detail()));
        return HexFormat.of().formatHex(hmac(key.mac(), all));
    }

    /**
     * The second format's hash of a row: HMAC-SHA256 with the key, or SHA-256 without one, over
     * a label and every field, the detail included, each as its kind (missing, text, list), text
     * length-prefixed in UTF-8 and a list as its count followed by its elements. The roles are
     * hashed as stored (one text, comma-joined), since that is what a verifier reads back.
     */
    public static String hash(int format, Key keyOrNull, String previous, long id, AuditEvent e) {
        if (format != FORMAT) {
            return keyOrNull == null ? hash(previous, id, e) : mac(keyOrNull, previous, id, e);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(512);
        text(out, "veil-audit-chain-2");
        for (String field : List.of(previous, Long.toString(id), e.at().toString())) {
            text(out, field);
        }
        for (String field : java.util.Arrays.asList(e.subject(), e.username(), String.join(",", e.roles()), e.purpose(),
                e.clientId(), e.sourceIp(), e.action(), e.eventId())) {
            text(out, field);
        }
        list(out, e.studyUids());
        list(out, e.patientIds());
        for (String field : java.util.Arrays.asList(Integer.toString(e.instances()), e.outcome().name(), e.reason(), e.detail())) {
            text(out, field);
        }
        byte[] bytes = out.toByteArray();
        try {
            if (keyOrNull == null) {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            }
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(keyOrNull.mac(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(bytes));
        } catch (java.security.GeneralSecurityException ex) {
            throw new IllegalStateException("SHA-256 or HmacSHA256 is not available", ex);
        }
    }

    private static void text(java.io.ByteArrayOutputStream out, String s) {
        if (s == null) {
            out.write(NULL);
            return;
        }
        out.write(TEXT);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        length(out, b.length);
        out.writeBytes(b);
    }

    private static void list(java.io.ByteArrayOutputStream out, List<String> values) {
        if (values == null) {
            out.write(NULL);
            return;
        }
        out.write(LIST);
        length(out, values.size());
        for (String v : values) {
            text(out, v);
        }
    }

    private static void length(java.io.ByteArrayOutputStream out, int n) {
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
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
