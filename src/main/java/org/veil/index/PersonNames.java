package org.veil.index;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The form of a Person Name that fuzzy matching compares: the alphabetic group, accents
 * removed, upper case, components separated by single spaces.
 */
final class PersonNames {
    private PersonNames() {
    }

    /**
     * The letters of Latin-1 and Latin Extended-A whose accents {@link #normalize} removes, and
     * what it leaves of each: for PostgreSQL's {@code translate()}, so that a name column without a
     * normalised copy (Referring Physician's Name) is compared as the query is. The two strings
     * are of equal length.
     */
    static final String[] ACCENTED = accented();

    private static String[] accented() {
        StringBuilder from = new StringBuilder();
        StringBuilder to = new StringBuilder();
        for (char c = 0xC0; c <= 0x17F; c++) {
            String plain = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD).replaceAll("\\p{M}", "");
            if (plain.length() == 1 && plain.charAt(0) != c && plain.charAt(0) < 0x80) {
                from.append(c);
                to.append(plain.charAt(0));
            }
        }
        return new String[] {from.toString(), to.toString()};
    }

    /**
     * The form exact and wildcard matching compare (PS3.4 C.2.2.2.1, PS3.5 6.2): the alphabetic
     * group, without trailing empty components and their carets or spaces; empty when nothing is
     * left. Stored and asked names are both brought to it (V18 for rows stored before).
     */
    static String matchForm(String pn) {
        return org.veil.dicom.DicomJsonWriter.stripTrailingCarets(pn.split("=", -1)[0]);
    }

    static String normalize(String pn) {
        String alphabetic = pn.split("=", -1)[0];
        String plain = Normalizer.normalize(alphabetic, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return plain.replace('^', ' ').trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }
}
