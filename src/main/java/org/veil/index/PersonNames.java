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

    static String normalize(String pn) {
        String alphabetic = pn.split("=", -1)[0];
        String plain = Normalizer.normalize(alphabetic, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return plain.replace('^', ' ').trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }
}
