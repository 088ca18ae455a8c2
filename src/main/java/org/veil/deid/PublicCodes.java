package org.veil.deid;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a code value has the form its public scheme gives its codes, checked where the scheme
 * defines one: SNOMED CT identifiers carry a partition and a Verhoeff check digit, LOINC codes a
 * mod-10 check digit (LOINC Users' Guide, "Calculating Mod 10 Check Digits"). A number planted as
 * a code (an MRN, a birth date under {@code SCT}) passes a check digit one time in ten, and a
 * date-shaped one not at all where no check digit vouches for it.
 */
final class PublicCodes {
    private static final Pattern SCTID = Pattern.compile("[1-9]\\d{5,17}");
    private static final Pattern LOINC = Pattern.compile("(L[APG])?(\\d{1,7})-(\\d)");
    private static final int[][] VERHOEFF_D = {
            {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
            {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
            {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
            {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
    private static final int[][] VERHOEFF_P = {
            {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
            {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
            {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};

    private PublicCodes() {
    }

    /** Whether the value has its scheme's form; schemes with no form Veil checks only refuse date-shaped values. */
    static boolean plausible(String scheme, String value) {
        return switch (scheme.toUpperCase(Locale.ROOT)) {
            case "SCT", "SNOMED" -> snomedCtId(value);
            case "LN", "LNC" -> loinc(value);
            default -> !org.veil.dicom.Vr.DATE_LIKE.matcher(value).matches();
        };
    }

    /**
     * A SNOMED CT identifier (SNOMED CT Technical Implementation Guide, 6.1): 6 to 18 digits, the
     * last a Verhoeff check digit, the two before it a partition (concepts, descriptions and
     * relationships, short or long form).
     */
    static boolean snomedCtId(String value) {
        if (!SCTID.matcher(value).matches()) {
            return false;
        }
        String partition = value.substring(value.length() - 3, value.length() - 1);
        if (!(partition.equals("00") || partition.equals("01") || partition.equals("02") || partition.equals("10")
                || partition.equals("11") || partition.equals("12"))) {
            return false;
        }
        int c = 0;
        for (int i = 0; i < value.length(); i++) {
            int digit = value.charAt(value.length() - 1 - i) - '0';
            c = VERHOEFF_D[c][VERHOEFF_P[i % 8][digit]];
        }
        return c == 0;
    }

    /** A LOINC code (or part, answer, group): digits, a dash and their mod-10 check digit. */
    static boolean loinc(String value) {
        java.util.regex.Matcher m = LOINC.matcher(value);
        if (!m.matches()) {
            return false;
        }
        String digits = m.group(2);
        StringBuilder odd = new StringBuilder();
        StringBuilder even = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            // positions counted from the right, the rightmost being the first (odd)
            ((digits.length() - i) % 2 == 1 ? odd : even).append(digits.charAt(i));
        }
        String joined = even.toString() + (Long.parseLong(odd.toString()) * 2);
        int sum = joined.chars().map(ch -> ch - '0').sum();
        return (10 - sum % 10) % 10 == m.group(3).charAt(0) - '0';
    }
}
