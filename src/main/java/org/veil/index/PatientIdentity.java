package org.veil.index;

import java.util.Optional;
import org.veil.dicom.ParsedInstance;
import org.veil.dicom.Tag;

/**
 * Who a study belongs to: Issuer of Patient ID and Patient ID (PS3.3 C.7.1.1), compared as
 * stored, surrounding spaces aside, with an absent value equal to an empty one. Patient Name is
 * not part of it: names of one patient are written differently by different systems.
 */
public record PatientIdentity(String issuer, String patientId) {

    public PatientIdentity {
        issuer = normal(issuer);
        patientId = normal(patientId);
    }

    static PatientIdentity of(ParsedInstance p) {
        return new PatientIdentity(p.string(Tag.IssuerOfPatientID).orElse(null), p.string(Tag.PatientID).orElse(null));
    }

    /**
     * Trimmed of the spaces DICOM pads values with, and of nothing else: exactly PostgreSQL's
     * btrim, which the consent registry's patient look-ups and V14's trigger use
     * (consent.ConsentRegistry.spaceTrimmed). A looser rule here (a tab, U+3000) would make one
     * patient of two IDs that a patient's consent, or refusal, tells apart.
     */
    private static String normal(String s) {
        return Optional.ofNullable(s).map(PatientIdentity::spaceTrimmed).orElse("");
    }

    /**
     * Trimmed of the spaces DICOM pads values with, exactly as PostgreSQL's btrim, which the SQL
     * side (V10's trigger, the consent registry's patient look-ups) uses: one rule on both sides.
     * A loop, not a regular expression: {@code " +$"} backtracks quadratically over a value of spaces.
     */
    public static String spaceTrimmed(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == ' ') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == ' ') {
            to--;
        }
        return s.substring(from, to);
    }
}
