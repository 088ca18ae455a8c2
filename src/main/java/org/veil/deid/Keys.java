package org.veil.deid;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Everything derived from the de-identification secret: UIDs, patient pseudonyms, date shifts,
 * study IDs and AE titles. Each is HMAC-SHA256 over a purpose label, the context (the profile,
 * later the share) and the original values, length-prefixed so that no two inputs collide. Without
 * the secret none of them can be linked back to the original; with it, the same input always
 * gives the same output, which keeps derivatives consistent across requests and exports.
 */
public final class Keys {
    /** Date shifts go back between 1 day and ten years, never zero. */
    static final int MAX_SHIFT_DAYS = 3650;
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final SecretKeySpec key;
    private final String version;

    public Keys(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the de-identification secret must be at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.version = fingerprint(secret);
    }

    /** A short, public fingerprint of the secret: derivatives made under another secret are stale. */
    public String version() {
        return version;
    }

    /** {@code 2.25.} and the decimal of the first 128 bits of the MAC (PS3.5 B.2). */
    public String uid(String context, String uid) {
        byte[] mac = mac("uid", context, uid);
        return "2.25." + new BigInteger(1, java.util.Arrays.copyOf(mac, 16));
    }

    /** A stable pseudonym for a patient, usable as PatientID and PatientName: 16 characters. */
    public String pseudonym(String context, String issuer, String patientId) {
        return "VP" + base32(mac("patient", context, issuer, patientId), 14);
    }

    /** Days to add to every date of this patient's studies in this context: -1 to -3650. */
    public int dayShift(String context, String issuer, String patientId) {
        int n = ByteBuffer.wrap(mac("dates", context, issuer, patientId)).getInt() & 0x7FFFFFFF;
        return -(1 + n % MAX_SHIFT_DAYS);
    }

    /** A StudyID (SH, at most 16 characters) stable for one study in one context. */
    public String studyId(String context, String studyInstanceUid) {
        return "S" + base32(mac("study", context, studyInstanceUid), 12);
    }

    /** An AE title (at most 16 characters) standing for a real one, for Retain Device Identity. */
    public String aeTitle(String context, String aeTitle) {
        return "AE" + base32(mac("ae", context, aeTitle), 10);
    }

    private byte[] mac(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (String p : parts) {
                byte[] b = (p == null ? "" : p).getBytes(StandardCharsets.UTF_8);
                mac.update(ByteBuffer.allocate(4).putInt(b.length).array());
                mac.update(b);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String base32(byte[] bytes, int chars) {
        StringBuilder out = new StringBuilder(chars);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; out.length() < chars; i++) {
            buffer = (buffer << 8) | (bytes[i] & 0xFF);
            bits += 8;
            while (bits >= 5 && out.length() < chars) {
                out.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }

    private static String fingerprint(byte[] secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("veil-deid-key-version".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(secret), 0, 6);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Keys[version=" + version + "]";
    }
}
