package org.veil.deid;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Vr;

/**
 * Coded entries (PS3.3 Table 8.8-1: Code Value, Coding Scheme Designator, Code Meaning) as a
 * unit. A code is a concept of a vocabulary, and a meaning is the vocabulary's text for it; in a
 * hostile file either can be free text. So: a DCM code gets the standard's meaning (PS3.16 Annex D,
 * {@code deid/dcm-codes.tsv}) whatever the file says; a code of another public scheme keeps a
 * value of code shape and a meaning reduced to the vocabulary; a code of a local or private
 * scheme, which may be an identifier of the hospital's, keeps neither value nor scheme.
 */
final class CodedEntries {
    static final int CODE_VALUE = 0x00080100;
    static final int CODING_SCHEME_DESIGNATOR = 0x00080102;
    static final int CODING_SCHEME_VERSION = 0x00080103;
    static final int CODE_MEANING = 0x00080104;
    static final int LONG_CODE_VALUE = 0x00080119;
    static final int URN_CODE_VALUE = 0x00080120;
    /** Public coding schemes (PS3.16 Table 8-1) whose codes name concepts, not people or places. */
    private static final Set<String> PUBLIC_SCHEMES = Set.of("DCM", "SCT", "SRT", "SNM3", "LN", "UCUM", "FMA", "RADLEX", "NCIT",
            "UMLS", "ACR", "BI", "I10", "I10P", "I9C", "I11", "MSH", "MDC", "NDC", "RXNORM", "ISO3166_1", "ISO639_1", "ISO639_2",
            "HPC", "ITIS_TSN", "NEU", "NBD", "NCDR", "MAYONRDB", "PUBCHEM_CID", "IBSI", "DCMUID", "HL7", "LNC", "SNOMED", "CD2");
    private static final Pattern CODE_SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_\\-/\\[\\]{}*^']{0,15}");
    private static final Pattern VERSION_SHAPE = Pattern.compile("[A-Za-z0-9.\\-_]{1,16}");
    static final String REMOVED = "REMOVED";
    /** The designator written for a code of a scheme Veil does not know: PS3.3 8.2 reserves 99 for private schemes. */
    static final String PRIVATE_SCHEME = "99VEIL";

    private final Map<String, String> dcm;
    private final DescriptorCleaner meanings;

    CodedEntries(Map<String, String> dcm, DescriptorCleaner meanings) {
        this.dcm = Map.copyOf(dcm);
        this.meanings = meanings;
    }

    /** The DCM meanings Veil ships, and a meaning cleaner that knows their words as well as the descriptor words. */
    static CodedEntries standard(Set<String> descriptorWords) {
        Set<String> words = new HashSet<>(descriptorWords);
        words.addAll(Shipped.MEANING_WORDS);
        return new CodedEntries(Shipped.CODES, new DescriptorCleaner(words));
    }

    /** {@code deid/dcm-codes.tsv} and the words of its meanings: read once, in the native image's build (as {@link ActionTable#standard()}). */
    private static final class Shipped {
        static final Map<String, String> CODES = Map.copyOf(dcmCodes());
        static final Set<String> MEANING_WORDS = meaningWords(CODES);

        private static Set<String> meaningWords(Map<String, String> codes) {
            Set<String> words = new HashSet<>();
            for (String meaning : codes.values()) {
                for (String w : meaning.split("[^A-Za-z0-9]+")) {
                    if (w.length() > 1 && w.chars().anyMatch(Character::isLetter)) {
                        words.add(w);
                    }
                }
            }
            return Set.copyOf(words);
        }
    }

    static Map<String, String> dcmCodes() {
        return ShippedData.read("dcm-codes.tsv", in -> {
            Map<String, String> codes = new HashMap<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.startsWith("#") && line.contains("\t")) {
                    String[] f = line.split("\t", 2);
                    codes.put(f[0], f[1]);
                }
            }
            return codes;
        });
    }

    /** Whether the data set is a coded entry: it holds a code value or a designator. */
    static boolean isCodedEntry(EditableDataset item) {
        return item.contains(CODE_VALUE) || item.contains(CODING_SCHEME_DESIGNATOR) || item.contains(LONG_CODE_VALUE)
                || item.contains(URN_CODE_VALUE);
    }

    /** The tags {@link #clean} settles, which the caller's walk leaves alone. */
    static final Set<Integer> TAGS = Set.of(CODE_VALUE, CODING_SCHEME_DESIGNATOR, CODING_SCHEME_VERSION, CODE_MEANING,
            LONG_CODE_VALUE, URN_CODE_VALUE);

    /**
     * Cleans the coded entry of the item in place; {@code names} are the instance's person-name parts
     * and {@code patientId} its Patient ID, which no code value may hold: a code is checked for its
     * shape, not looked up, so a name or an identifier of code shape would otherwise pass as one.
     */
    void clean(EditableDataset item, Set<String> names, String patientId) {
        // One value each (PS3.3 Table 8.8-1: VM 1): only the first is judged, so no other may stay.
        single(item, CODE_VALUE, Vr.SH);
        single(item, CODING_SCHEME_DESIGNATOR, Vr.SH);
        single(item, CODING_SCHEME_VERSION, Vr.SH);
        single(item, CODE_MEANING, Vr.LO);
        String scheme = first(item, CODING_SCHEME_DESIGNATOR).trim();
        String value = first(item, CODE_VALUE).trim();
        boolean known = PUBLIC_SCHEMES.contains(scheme.toUpperCase(Locale.ROOT));
        item.remove(LONG_CODE_VALUE);
        item.remove(URN_CODE_VALUE);
        if (!known) {
            if (item.contains(CODING_SCHEME_DESIGNATOR)) {
                item.put(CODING_SCHEME_DESIGNATOR, Vr.SH, PRIVATE_SCHEME);
            }
            if (item.contains(CODE_VALUE)) {
                item.put(CODE_VALUE, Vr.SH, REMOVED);
            }
            item.remove(CODING_SCHEME_VERSION);
        } else {
            boolean dcmScheme = scheme.equalsIgnoreCase("DCM");
            boolean standard = dcmScheme && dcm.containsKey(value);
            // DICOM's own codes are all in PS3.16 Annex D, which Veil ships: another "DCM" code is
            // no code of it. Other schemes' codes must have their scheme's form where it has one.
            boolean formed = dcmScheme ? standard
                    : CODE_SHAPE.matcher(value).matches() && PublicCodes.plausible(scheme, value) && !holdsIdentity(value, names, patientId);
            if (item.contains(CODE_VALUE) && !formed) {
                item.put(CODE_VALUE, Vr.SH, REMOVED);
            }
            String version = item.contains(CODING_SCHEME_VERSION) ? first(item, CODING_SCHEME_VERSION).trim() : "";
            if (item.contains(CODING_SCHEME_VERSION) && (!VERSION_SHAPE.matcher(version).matches()
                    || !PublicCodes.plausible("", version) || holdsIdentity(version, names, patientId))) {
                item.remove(CODING_SCHEME_VERSION);
            }
        }
        if (item.contains(CODE_MEANING)) {
            String canonical = scheme.equalsIgnoreCase("DCM") ? dcm.get(value) : null;
            String meaning = canonical != null ? canonical : meanings.clean(first(item, CODE_MEANING), names);
            item.put(CODE_MEANING, Vr.LO, meaning.isEmpty() ? REMOVED : meaning);
        }
    }

    /**
     * Whether a value holds a part of a person name of the instance, or its Patient ID: one of six
     * characters or more anywhere, a shorter one (of at least three) only standing alone, between
     * characters that are no letters or digits (a trial's {@code 008} would otherwise match inside
     * SNOMED CT's {@code 39607008}; {@code AB-12} is still found in "patient AB-12").
     */
    static boolean holdsIdentity(String value, Set<String> names, String patientId) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String upper = value.toUpperCase(Locale.ROOT);
        String id = patientId == null ? "" : patientId.trim().toUpperCase(Locale.ROOT);
        if (id.length() >= 6 && upper.contains(id)) {
            return true;
        }
        if (id.length() >= 3) {
            // each occurrence, standing alone: no regular expression compiled for every value
            for (int at = upper.indexOf(id); at >= 0; at = upper.indexOf(id, at + 1)) {
                if (!letterOrNumber(upper, at - 1) && !letterOrNumber(upper, at + id.length())) {
                    return true;
                }
            }
        }
        for (String word : upper.split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty() && names.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the character at {@code i} is a letter or a number ({@code \\p{L}}, {@code \\p{N}}); false outside the text. */
    private static boolean letterOrNumber(String s, int i) {
        if (i < 0 || i >= s.length()) {
            return false;
        }
        char c = s.charAt(i);
        int type = Character.getType(c);
        return Character.isLetter(c) || type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    private static void single(EditableDataset item, int tag, Vr vr) {
        List<String> values = item.strings(tag);
        if (values.size() > 1) {
            item.put(tag, vr, values.get(0) == null ? "" : values.get(0));
        }
    }

    private static String first(EditableDataset ds, int tag) {
        List<String> v = ds.strings(tag);
        return v.isEmpty() || v.get(0) == null ? "" : v.get(0);
    }
}
