package org.veil.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Cleans free text by keeping only words from a vocabulary of clinical and technical terms, and
 * small numbers that cannot be part of a date, an identifier or an age over 89. Everything else
 * is dropped: a clean text is what remains of an allow list, never what survives a block list.
 *
 * <p>Vocabulary words can still be names (Long, Small, Hand, Willis), so a word is also dropped
 * when it follows a title (Dr, Mrs, Nurse, Patient…) or is part of any person name of the instance
 * being cleaned. Dates are removed in every notation Veil knows before the text is split, so that
 * {@code 12/03/85} does not come out as {@code 12 03 85}.
 */
public final class DescriptorCleaner {
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,;:/\\\\()\\[\\]{}\"'^=_|+*#!?<>~@&%$\u00B7\u2013\u2014]+");
    private static final Pattern SMALL_NUMBER = Pattern.compile("[+-]?\\d{1,3}([.]\\d{1,2})?");
    private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+([.,]\\d+)*");
    private static final String MONTH = "(JAN(UARY)?|FEB(RUARY)?|MAR(CH)?|APR(IL)?|MAY|JUNE?|JULY?|AUG(UST)?|SEPT?(EMBER)?|OCT(OBER)?|NOV(EMBER)?|DEC(EMBER)?"
            + "|J(A|Ä)N(NER)?|M(A|Ä)RZ|MAI|OKT|DEZ|JANV|F(E|É)V|AVR|JUIL|AO(U|Û)T|D(E|É)C|ENE|ABR|AGO|DIC)\\.?";
    /** Dates in the notations of reports and descriptions: numeric with any separator, with month names, Roman months, 'YY. */
    private static final Pattern DATES = Pattern.compile(
            "\\b\\d{1,4}\\s*[-/.]\\s*\\d{1,2}\\s*[-/.]\\s*\\d{2,4}\\b"
                    + "|\\b(19|20)\\d{2}[01]\\d[0-3]\\d\\b"
                    + "|\\b\\d{1,2}(ST|ND|RD|TH)?[-\\s.]*" + MONTH + "[-\\s.,]*(\\d{2,4})?\\b"
                    + "|\\b" + MONTH + "[-\\s.]*\\d{1,2}(ST|ND|RD|TH)?([-\\s.,]+\\d{2,4})?\\b"
                    + "|\\b" + MONTH + "[-\\s.,]*\\d{4}\\b"
                    + "|\\b\\d{1,2}\\.[IVX]{1,4}\\.\\d{2,4}\\b"
                    + "|'\\d{2}\\b"
                    + "|\\d{2,4}\u5E74\\d{1,2}\u6708(\\d{1,2}\u65E5)?",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    /** Words after which the next words name a person. */
    private static final Set<String> TITLES = Set.of("DR", "DOCTOR", "MRS", "MS", "MISS", "PROF", "PROFESSOR", "NURSE", "SISTER",
            "PATIENT", "PT", "DEAR", "SIR", "MADAM", "MME", "MLLE", "HERR", "FRAU", "SR", "SRA", "SIG", "SIGNORA", "MR", "MISTER",
            "BY", "PER", "ATTN");
    /** Words that announce an identifier, an age or a place in the numbers next to them. */
    private static final Set<String> NUMBER_CUES = Set.of("MRN", "ID", "NO", "NR", "NUM", "NUMBER", "NHS", "SSN", "ACC", "ACCESSION",
            "TEL", "PHONE", "FAX", "BED", "WARD", "ROOM", "REF", "CASE", "AGE", "AGED", "Y", "YO", "YR", "YRS", "YEAR", "YEARS", "OLD",
            "JAHRE", "ANS", "ANOS", "AÑOS", "DOB", "BORN", "MONTHS", "MO");
    /** Units after which a number up to three digits is a measurement, whatever its size. */
    private static final Set<String> UNITS = Set.of("MM", "CM", "M", "KV", "KVP", "MA", "MAS", "MS", "S", "SEC", "HZ", "KHZ", "MHZ",
            "DB", "ML", "CC", "MG", "G", "KG", "GY", "CGY", "MGY", "MSV", "MBQ", "MCI", "T", "DEG", "SLICES", "IMAGES", "FRAMES", "BPM",
            "HU", "MIN", "PCT", "KEV");

    private final Set<String> words;

    public DescriptorCleaner(Set<String> words) {
        this.words = new HashSet<>();
        words.forEach(w -> this.words.add(w.toUpperCase(Locale.ROOT)));
    }

    /** A cleaner with the vocabulary Veil ships. */
    public static DescriptorCleaner standard() {
        return new DescriptorCleaner(standardWords());
    }

    /**
     * The vocabulary Veil ships: {@code deid/descriptor-words.txt} (clinical words, vendors) and
     * {@code deid/code-strings.txt} (the standard's defined terms, which also appear in text).
     * Read once and shared, unmodifiable, in the native image's build (as {@link ActionTable#standard()}).
     */
    public static Set<String> standardWords() {
        return Shipped.WORDS;
    }

    /** {@code deid/code-strings.txt} alone, read once as above. */
    static Set<String> codeStrings() {
        return Shipped.CODE_STRINGS;
    }

    private static final class Shipped {
        static final Set<String> CODE_STRINGS = Set.copyOf(ShippedData.read("code-strings.txt", DescriptorCleaner::read));
        static final Set<String> WORDS = words();

        private static Set<String> words() {
            Set<String> words = new HashSet<>(ShippedData.read("descriptor-words.txt", DescriptorCleaner::read));
            words.addAll(CODE_STRINGS);
            return Set.copyOf(words);
        }
    }

    /** Words from a list file: whitespace-separated, {@code #} starts a comment. */
    public static Set<String> read(InputStream in) throws IOException {
        Set<String> out = new HashSet<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            int hash = line.indexOf('#');
            String content = hash >= 0 ? line.substring(0, hash) : line;
            for (String w : content.trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    /** Whether the vocabulary holds this word. */
    boolean knows(String word) {
        return words.contains(word.toUpperCase(Locale.ROOT));
    }

    /** The kept words of the text, in order, separated by single spaces; empty when none is kept. */
    public String clean(String text) {
        return clean(text, Set.of());
    }

    /**
     * The kept words of the text. {@code names} are the upper-case components of the person names
     * of the instance (patient, physicians, operators, observers): never kept, even when they are
     * vocabulary words.
     */
    public String clean(String text, Set<String> names) {
        // Full-width digits and letters become ASCII first, so that the date rules see them.
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC).replace('\u0000', ' ');
        normal = DATES.matcher(normal).replaceAll(" ");
        List<String> tokens = new ArrayList<>();
        for (String token : SEPARATORS.split(normal)) {
            String t = stripDots(token);
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        StringJoiner kept = new StringJoiner(" ");
        int afterTitle = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            String upper = t.toUpperCase(Locale.ROOT);
            if (afterTitle > 0 && isWord(t) && (TITLES.contains(upper) || !words.contains(upper) || names.contains(upper)
                    || isCapitalised(t) || afterTitle == 2)) {
                afterTitle--;
                continue; // the name after a title, known word or not
            }
            afterTitle = 0;
            if (isTitle(tokens, i)) {
                afterTitle = 2;
                continue;
            }
            if (NUMBER.matcher(t).matches()) {
                if (keepNumber(tokens, i)) {
                    kept.add(t);
                }
                continue;
            }
            if (words.contains(upper) && !names.contains(upper)) {
                kept.add(t);
            }
        }
        return kept.toString();
    }

    /**
     * A title is a title word followed by a word; "MR" only when the next word is not clinical
     * vocabulary (MR is also the modality: "MR BRAIN").
     */
    private boolean isTitle(List<String> tokens, int i) {
        String upper = tokens.get(i).toUpperCase(Locale.ROOT);
        if (!TITLES.contains(upper) || i + 1 >= tokens.size() || !isWord(tokens.get(i + 1))) {
            return false;
        }
        if (upper.equals("MR") || upper.equals("PT") || upper.equals("BY") || upper.equals("PER")) {
            String next = tokens.get(i + 1);
            return !words.contains(next.toUpperCase(Locale.ROOT)) || isCapitalised(next);
        }
        return true;
    }

    /**
     * A number is kept when it has at most three digits, stands alone (no number next to it: two
     * numbers side by side may be pieces of a date, an identifier or a phone number), is not next
     * to a word that announces an identifier or an age, and is under 90 unless a unit follows it.
     * A number with a decimal part is kept only before a unit (2.5 mm): without one, {@code 12.03}
     * is as likely a day and a month ("Kontrolle 12.03."), four digits of a date.
     */
    private static boolean keepNumber(List<String> tokens, int i) {
        String t = tokens.get(i);
        if (!SMALL_NUMBER.matcher(t).matches()) {
            return false;
        }
        if (i > 0 && NUMBER.matcher(tokens.get(i - 1)).matches() || i + 1 < tokens.size() && NUMBER.matcher(tokens.get(i + 1)).matches()) {
            return false;
        }
        for (int j = Math.max(0, i - 2); j <= Math.min(tokens.size() - 1, i + 2); j++) {
            if (j != i && NUMBER_CUES.contains(tokens.get(j).toUpperCase(Locale.ROOT))) {
                return false;
            }
        }
        double value = Math.abs(Double.parseDouble(t));
        boolean unit = i + 1 < tokens.size() && UNITS.contains(tokens.get(i + 1).toUpperCase(Locale.ROOT));
        return unit || value < 90 && t.indexOf('.') < 0;
    }

    private static boolean isWord(String t) {
        return t.chars().anyMatch(Character::isLetter);
    }

    /** Mixed case with a capital first: in text that is not all capitals, the shape of a name. */
    private static boolean isCapitalised(String t) {
        return t.length() > 1 && Character.isUpperCase(t.charAt(0)) && t.substring(1).chars().anyMatch(Character::isLowerCase);
    }

    /** Trailing and leading dots and dashes belong to the sentence, not the word. */
    private static String stripDots(String token) {
        int from = 0;
        int to = token.length();
        while (from < to && (token.charAt(from) == '.' || token.charAt(from) == '-')) {
            from++;
        }
        while (to > from && (token.charAt(to - 1) == '.' || token.charAt(to - 1) == '-')) {
            to--;
        }
        return token.substring(from, to);
    }
}
