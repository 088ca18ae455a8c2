package org.veil.deid;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Vr;

/**
 * The last look at a de-identified data set: every value still in it, whatever kept it (a code
 * of a public scheme, a device UID, a time, a binary number, a retained label), must not carry
 * the identifiers the original named. Rules say what a value of each kind may look like; this
 * says what no value may hold, read as the original wrote it: its patient's and order identifiers
 * (letters and digits, separators aside: {@code 4821-3377}, {@code ４８２１３３７７}), their digits
 * when they are six or more ({@code 1.2.826.48213377} in a UID), the birth date's digits in any
 * order of day, month and year ({@code 13.02.1948}, {@code 194802.13} as a time), and the words
 * of the person names. A value that holds one is replaced by a dummy ({@link ValueShapes#dummy}),
 * as the Basic Profile's D, since the attribute may be one a module requires.
 */
final class IdentityScan {
    /** Patient ID, Other Patient IDs (and their sequence), Accession Number, Admission ID, order numbers, telephone numbers. */
    private static final int[] IDENTIFIERS = {0x00100020, 0x00101000, 0x00080050, 0x00380010, 0x00401001, 0x00402016,
        0x00402017, 0x00102154};
    private static final int OTHER_PATIENT_IDS_SEQUENCE = 0x00101002;
    private static final int PATIENT_BIRTH_DATE = 0x00100030;
    /** Shorter identifiers match too much ({@code 1234} is an instance number); they are left to the rules. */
    private static final int MIN_CHARACTERS = 5;
    private static final int MIN_DIGITS = 6;
    /**
     * Digits a number, a date, a time or a UID must hold before they count: remapped UIDs are
     * random digits, and a six-digit identifier would turn up in one UID of twenty thousand.
     */
    private static final int MIN_DIGITS_IN_NUMBERS = 8;
    private static final Set<Vr> NUMBERS = java.util.EnumSet.of(Vr.UI, Vr.DA, Vr.DT, Vr.TM, Vr.DS, Vr.IS, Vr.US, Vr.SS, Vr.UL,
            Vr.SL, Vr.FL, Vr.FD);
    /** Name words shorter than this are units and codes as often as names ({@code MA}, {@code LI}). */
    private static final int MIN_NAME_LETTERS = 3;
    private static final int MAX_DEPTH = 32;

    private final Set<String> characters = new HashSet<>();
    private final Set<String> digits = new HashSet<>();
    private final Set<String> names = new HashSet<>();

    /** Read from the original, before anything is cleaned; {@code names} are its person names' parts, upper case. */
    IdentityScan(EditableDataset original, Set<String> names) {
        for (String n : names) {
            if (n.length() >= MIN_NAME_LETTERS) {
                this.names.add(folded(n));
            }
        }
        identifiers(original);
        for (EditableDataset item : original.items(OTHER_PATIENT_IDS_SEQUENCE)) {
            identifiers(item);
        }
        String birth = digitsOf(original.string(PATIENT_BIRTH_DATE).orElse(""));
        if (birth.length() == 8) {
            String year = birth.substring(0, 4);
            String month = birth.substring(4, 6);
            String day = birth.substring(6, 8);
            digits.add(birth);
            digits.add(day + month + year);
            digits.add(month + day + year);
        }
    }

    private void identifiers(EditableDataset ds) {
        for (int tag : IDENTIFIERS) {
            for (String v : ds.strings(tag)) {
                String chars = alphanumeric(folded(v == null ? "" : v));
                if (chars.length() >= MIN_CHARACTERS) {
                    characters.add(chars);
                }
                String d = digitsOf(chars);
                if (d.length() >= MIN_DIGITS) {
                    digits.add(d);
                }
            }
        }
    }

    /** Replaces every value, at any depth, that holds an identifier of the original; {@code except} are Veil's own. */
    void removeFrom(EditableDataset root, Set<Integer> except) {
        if (characters.isEmpty() && digits.isEmpty() && names.isEmpty()) {
            return;
        }
        removeFrom(root, except, 0);
    }

    private void removeFrom(EditableDataset ds, Set<Integer> except, int depth) {
        for (int tag : ds.tags()) {
            if (depth == 0 && except.contains(tag)) {
                continue;
            }
            Vr vr = ds.vr(tag);
            if (vr == Vr.SQ) {
                if (depth < MAX_DEPTH) {
                    ds.items(tag).forEach(item -> removeFrom(item, except, depth + 1));
                }
            } else {
                boolean number = NUMBERS.contains(vr);
                // Code strings are terms of a vocabulary (a name's word may be one: REPORT, CHEST).
                boolean words = vr != Vr.CS && vr != Vr.AS;
                if (ds.strings(tag).stream().anyMatch(v -> number ? holdsInNumber(v) : holds(v, words))) {
                    if (vr == Vr.UI) {
                        ds.empty(tag);
                    } else {
                        // A dummy, as the Basic Profile's D: the attribute may be Type 1 (a Code Value).
                        ValueShapes.dummy(ds, tag, vr);
                    }
                }
            }
        }
    }

    /** Whether a number, date, time or UID holds the digits of an identifier or of the birth date, eight or more. */
    boolean holdsInNumber(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String d = digitsOf(folded(value));
        for (String id : digits) {
            if (id.length() >= MIN_DIGITS_IN_NUMBERS && d.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one text value holds an identifier of the original. */
    boolean holds(String value, boolean words) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String folded = folded(value);
        String chars = alphanumeric(folded);
        for (String c : characters) {
            if (chars.contains(c)) {
                return true;
            }
        }
        String d = digitsOf(chars);
        for (String id : digits) {
            if (d.contains(id)) {
                return true;
            }
        }
        if (words && !names.isEmpty()) {
            for (String word : folded.split("[^\\p{L}\\p{N}]+")) {
                if (names.contains(word)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Compatibility forms folded (full-width digits and letters are ASCII ones), upper case. */
    private static String folded(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT);
    }

    private static String alphanumeric(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(Character::isLetterOrDigit).forEach(b::appendCodePoint);
        return b.toString();
    }

    private static String digitsOf(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.chars().filter(c -> c >= '0' && c <= '9').forEach(c -> b.append((char) c));
        return b.toString();
    }
}
