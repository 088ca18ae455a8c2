package org.veil.deid;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * of the person names, alone or run together with each other and their initials ({@code JBAKER},
 * {@code BAKERJOHN}, as a station or a login is often named). A value that holds one is replaced
 * by a dummy ({@link ValueShapes#dummy}), as the Basic Profile's D, since the attribute may be
 * one a module requires.
 */
final class IdentityScan {
    /** Patient ID, Other Patient IDs (and their sequence), Accession Number, Admission ID, order numbers, telephone numbers. */
    private static final int[] IDENTIFIERS = {0x00100020, 0x00101000, 0x00080050, 0x00380010, 0x00401001, 0x00402016,
        0x00402017, 0x00102154};
    private static final int OTHER_PATIENT_IDS_SEQUENCE = 0x00101002;
    private static final int PATIENT_BIRTH_DATE = 0x00100030;
    /** Patient's Name, Other Patient Names, Patient's Birth Name, Patient's Mother's Birth Name. */
    private static final int[] PATIENT_NAMES = {0x00100010, 0x00101001, 0x00101005, 0x00101060};
    /** Shorter identifiers match too much ({@code 1234} is an instance number); they are left to the rules. */
    private static final int MIN_CHARACTERS = 5;
    private static final int MIN_DIGITS = 6;
    /**
     * Digits a number, a date, a time or a UID must hold before they count: remapped UIDs are
     * random digits, and a six-digit identifier would turn up in one UID of twenty thousand.
     */
    private static final int MIN_DIGITS_IN_NUMBERS = 8;
    private static final Set<Vr> NUMBERS = java.util.EnumSet.of(Vr.DA, Vr.DT, Vr.TM, Vr.DS, Vr.IS, Vr.US, Vr.SS, Vr.UL,
            Vr.SL, Vr.FL, Vr.FD, Vr.UV, Vr.SV);
    /** Name words shorter than this are units and codes as often as names ({@code MA}, {@code LI}). */
    private static final int MIN_NAME_LETTERS = 3;
    private static final int MAX_DEPTH = 32;
    /** Name parts this long are found inside longer words too. */
    private static final int MIN_EMBEDDED_NAME = 6;
    /**
     * Longest word read for name parts run together: a person name's component is at most 64
     * characters (PS3.5 6.2), and a login or label made of two or three of them is far shorter;
     * the bound keeps the look linear in a hostile value's length.
     */
    private static final int MAX_RUN_TOGETHER = 48;

    private final Set<String> characters = new HashSet<>();
    private final Set<String> digits = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    /** The patient's own name parts of {@value #MIN_EMBEDDED_NAME} letters or more: found inside longer words too. */
    private final Set<String> patientNames = new HashSet<>();
    /** Every name part, two letters and more, and their initials: the pieces a run-together word is made of. */
    private final Set<String> parts = new HashSet<>();
    private final Set<Integer> initials = new HashSet<>();
    private int longestPart;

    /** Read from the original, before anything is cleaned; {@code names} are its person names' parts, upper case. */
    IdentityScan(EditableDataset original, Set<String> names) {
        for (String n : names) {
            String part = folded(n);
            if (part.length() >= MIN_NAME_LETTERS) {
                this.names.add(part);
            }
            if (!part.isEmpty() && Character.isLetter(part.codePointAt(0))) {
                parts.add(part);
                initials.add(part.codePointAt(0));
                longestPart = Math.max(longestPart, part.length());
            }
        }
        for (int tag : PATIENT_NAMES) {
            for (String v : original.strings(tag)) {
                for (String part : folded(v == null ? "" : v).split("\\P{L}+")) {
                    if (part.length() >= MIN_EMBEDDED_NAME) {
                        patientNames.add(part);
                    }
                }
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

    /**
     * Replaces every value, at any depth, that holds an identifier of the original; {@code except}
     * are Veil's own attributes, {@code derived} the UIDs it made (random digits, not the file's).
     */
    void removeFrom(EditableDataset root, Set<Integer> except, Set<String> derived) {
        removeFrom(root, except, derived, 0);
    }

    private void removeFrom(EditableDataset ds, Set<Integer> except, Set<String> derived, int depth) {
        for (int tag : ds.tags()) {
            Vr vr = ds.vr(tag);
            if (vr == Vr.SQ && depth < MAX_DEPTH) {
                ds.items(tag).forEach(item -> removeFrom(item, except, derived, depth + 1));
            } else if (vr != Vr.SQ && !(depth == 0 && except.contains(tag))) {
                replaceIn(ds, tag, vr, derived);
            }
        }
    }

    /**
     * Only the values that hold an identifier become a dummy, as the Basic Profile's D: the others
     * keep their place (an Image Position's three), and the attribute its Type. No dummy UID means
     * anything: a UID is emptied (the engine withholds an instance left without its own).
     */
    private void replaceIn(EditableDataset ds, int tag, Vr vr, Set<String> derived) {
        List<String> values = ds.strings(tag);
        List<String> replaced = new ArrayList<>(values.size());
        boolean found = false;
        for (String v : values) {
            boolean holds = vr == Vr.UI ? !derived.contains(v == null ? "" : v.trim()) && holdsInUid(v)
                    : NUMBERS.contains(vr) ? holdsInNumber(v)
                    // Code strings are terms of a vocabulary (a name's word may be one: REPORT, CHEST).
                    : hidesText(v, vr) || holds(v, vr != Vr.CS && vr != Vr.AS);
            found |= holds;
            replaced.add(holds ? ValueShapes.dummyValue(vr) : v);
        }
        if (found && (vr == Vr.UI || replaced.contains(null))) {
            ds.empty(tag);
        } else if (found) {
            ds.put(tag, vr, replaced);
        }
    }

    /**
     * Whether a UID holds an identifier's or the birth date's digits within one
     * of its components: across the dots, {@code 1.2.840.10008.5.1.4.1.1.2} reads {@code 10008514}.
     */
    boolean holdsInUid(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        for (String component : value.trim().split("\\.")) {
            if (component.length() >= MIN_DIGITS_IN_NUMBERS && holdsInNumber(component)) {
                return true;
            }
        }
        return false;
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

    /**
     * Whether a text value holds a control character its VR does not allow (PS3.5 6.2: ESC for
     * character sets everywhere; CR, LF, FF and TAB in LT, ST and UT; no C1 control, no Unicode
     * line or paragraph separator): what follows a NUL
     * ({@code CT01\0…}) is cut off by viewers and the eye, and carried on by every copy.
     */
    static boolean hidesText(String value, Vr vr) {
        if (value == null) {
            return false;
        }
        boolean text = vr == Vr.LT || vr == Vr.ST || vr == Vr.UT;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
            if (control && c != 0x1B && !(text && (c == '\r' || c == '\n' || c == '\f' || c == '\t'))) {
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
            for (String word : folded.split("\\P{L}+")) {
                for (String name : patientNames) {
                    // A long part of the patient's name inside a longer word is the name with a
                    // letter beside it (XQUIMBY, QUIMBYX); short ones are inside too many words
                    // (BELL in CEREBELLUM), and other people's names inside ordinary ones (an
                    // operator named Philip in PHILIPS).
                    if (word.length() > name.length() && word.contains(name)) {
                        return true;
                    }
                }
            }
            for (String word : folded.split("[^\\p{L}\\p{N}]+")) {
                if (names.contains(word)) {
                    return true;
                }
            }
            for (String letters : folded.split("\\P{L}+")) {
                if (runTogether(letters)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a word of letters is wholly name parts and initials of the instance's names, one
     * part of three letters or more among them: {@code JBAKER}, {@code BAKERJ}, {@code JOHNBAKER}
     * for BAKER^JOHN. A word with any other letter is not ({@code CEREBELLUM} for a patient
     * named Bell), so ordinary terms are not taken for names.
     */
    boolean runTogether(String word) {
        int length = word.length();
        if (length < MIN_NAME_LETTERS + 1 || length > MAX_RUN_TOGETHER || names.isEmpty()) {
            return false;
        }
        // reached[i]: 0 the first i letters are not name pieces; 1 they are, none a long part; 2 one is
        byte[] reached = new byte[length + 1];
        reached[0] = 1;
        for (int i = 0; i < length; i++) {
            if (reached[i] == 0) {
                continue;
            }
            if (initials.contains((int) word.charAt(i))) {
                reached[i + 1] = (byte) Math.max(reached[i + 1], reached[i]);
            }
            for (int end = i + 2; end <= Math.min(length, i + longestPart); end++) {
                String piece = word.substring(i, end);
                if (parts.contains(piece)) {
                    byte value = piece.length() >= MIN_NAME_LETTERS ? 2 : reached[i];
                    reached[end] = (byte) Math.max(reached[end], value);
                }
            }
        }
        return reached[length] == 2;
    }

    /**
     * Capital Cyrillic and Greek letters drawn as Latin ones, in pairs: a name spelt with them
     * (QU and the Cyrillic capitals I, M, B and Y) reads as the patient's to anyone who sees it (Unicode TS #39's
     * confusables, the letters of the Latin capitals' shapes).
     */
    private static final String LOOKALIKES = "\u0410A\u0412B\u0415E\u041AK\u041CM\u041DH\u041EO\u0420P\u0421C\u0422T"
            + "\u0425X\u0423Y\u04AEY\u0406I\u0408J\u0405S\u051AQ\u051CW\u0391A\u0392B\u0395E\u0396Z\u0397H\u0399I"
            + "\u039AK\u039CM\u039DN\u039FO\u03A1P\u03A4T\u03A5Y\u03A7X";

    /**
     * Compatibility forms folded (full-width digits and letters are ASCII ones), upper case,
     * without what no one sees between letters: format characters (a zero-width space inside
     * {@code QUI&#x200B;MBY}), combining and variation marks (so accents too: {@code MÜLLER} is read as
     * {@code MULLER}, on both sides), and the Hangul fillers that count as letters; with the
     * Cyrillic and Greek capitals that look Latin read as Latin ({@link #LOOKALIKES}).
     */
    static String folded(String s) {
        String upper = Normalizer.normalize(s, Normalizer.Form.NFKD).toUpperCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(upper.length());
        upper.codePoints().filter(c -> !unseen(c)).forEach(c -> {
            int at = c > 0x7F && c <= 0xFFFF ? LOOKALIKES.indexOf(c) : -1;
            b.appendCodePoint(at >= 0 && at % 2 == 0 ? LOOKALIKES.charAt(at + 1) : c);
        });
        return b.toString();
    }

    private static boolean unseen(int c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0;
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
