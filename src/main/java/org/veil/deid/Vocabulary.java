package org.veil.deid;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The terms a code string (CS) may keep: the standard's defined terms ({@code deid/code-strings.txt})
 * and the descriptor words. A CS value is kept only when every word of it is a term, or a number of
 * at most four digits (character set and context group numbers).
 */
final class Vocabulary {
    private static final Pattern SHORT_NUMBER = Pattern.compile("\\d{1,4}");
    /** Patient Orientation and view codes: directions A P R L H F combined (PS3.3 C.7.6.1.1.1). */
    private static final Pattern DIRECTIONS = Pattern.compile("[APRLHF]{1,3}");

    private final Set<String> terms;

    Vocabulary(Set<String> terms) {
        this.terms = new HashSet<>();
        terms.forEach(t -> this.terms.add(t.toUpperCase(Locale.ROOT)));
    }

    static Vocabulary standard(Set<String> descriptorWords) {
        Set<String> all = new HashSet<>(descriptorWords);
        all.addAll(DescriptorCleaner.codeStrings());
        return new Vocabulary(all);
    }

    /** How many words of the value are short numbers: two side by side can spell an MRN or a birth date. */
    static int numbers(String value) {
        int n = 0;
        for (String word : value.trim().split(" +")) {
            if (SHORT_NUMBER.matcher(word).matches()) {
                n++;
            }
        }
        return n;
    }

    boolean codeString(String value) {
        for (String word : value.trim().split(" +")) {
            if (!word.isEmpty() && !terms.contains(word) && !SHORT_NUMBER.matcher(word).matches() && !DIRECTIONS.matcher(word).matches()) {
                return false;
            }
        }
        return true;
    }
}
