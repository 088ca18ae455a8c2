package org.veil.deid;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether words read from the pixels could identify someone. The default is that a word
 * identifies: it passes only when it is a known annotation word (units, orientation, acquisition
 * and display parameters, clinical vocabulary), a single letter, or a number that cannot be a date
 * or an identifier. Words read with low confidence are noise from anatomy and are not judged.
 * Plain Java, tested word by word.
 */
final class TextJudge {
    /** Below this confidence (of 100) Tesseract's word is taken for noise. */
    static final float MIN_CONFIDENCE = 50f;
    /** A line of this many glyphs that nothing is read of is text all the same. */
    static final int UNREADABLE_GLYPHS = 5;

    private static final Pattern DATE = Pattern.compile(
            "\\d{1,4}[/.\\-]\\d{1,2}[/.\\-]\\d{2,4}|\\d{1,2}[/.\\-]\\d{1,2}[/.\\-]?'\\d{2}|(19|20)\\d{2}[01]\\d[0-3]\\d");
    private static final Pattern LONG_DIGITS = Pattern.compile("\\d{5,}");
    private static final Pattern YEAR = Pattern.compile("(18|19|20)\\d{2}");
    /** A group of two to four digits: beside another, a piece of a date, an identifier or a phone number written in groups. */
    private static final Pattern DIGIT_GROUP = Pattern.compile("\\d{2,4}");
    /**
     * Groups of two to four digits joined by a dash or an underscore, read by OCR as one word:
     * {@code 4821-3377} (an MRN written in groups), {@code 555-0142} (a phone number). Five digits
     * or more in all are an identifier as a run of five is. Slashes and colons join what
     * annotations are made of (a window {@code 400/40}, an image counter {@code 45/120}, TR/TE
     * {@code 4000/90}, a time {@code 10:15:30}), and a date of either is the date rule's.
     */
    private static final Pattern JOINED_GROUPS = Pattern.compile("\\d{2,4}(?:[-_]\\d{2,4})+");
    private static final Pattern PARTS = Pattern.compile("[A-Za-z]+|\\d+(?:[.,]\\d+)?");
    private static final Set<String> MONTHS = Set.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "SEPT",
            "OCT", "NOV", "DEC", "JANUARY", "FEBRUARY", "MARCH", "APRIL", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER",
            "NOVEMBER", "DECEMBER");
    /** Labels that announce identifying values next to them, whatever was read of the values. */
    private static final Set<String> LABELS = Set.of("NAME", "PATIENT", "PAT", "PID", "MRN", "ID", "DOB", "BIRTH", "BORN",
            "SEX", "AGE", "ACC", "ACCESSION", "EXAM", "HOSPITAL", "CLINIC", "INSTITUTION", "PHYSICIAN", "REF", "REFERRING",
            "OPERATOR", "TECH", "DR", "MRS", "MS", "MISS", "NHS", "SSN", "DATE", "TIME");

    private static final String UNKNOWN = "a word that is not a known annotation";

    private final Set<String> vocabulary;

    TextJudge(Set<String> vocabulary) {
        this.vocabulary = Set.copyOf(vocabulary.stream().map(w -> w.toUpperCase(Locale.ROOT)).toList());
    }

    /**
     * Why the words of one line could identify someone; empty when none could. The reason names
     * the kind, never the word. A lone three-letter word is let through: OCR misreads short
     * annotations ("PSP" as "PSR"), and a name alone on a line rarely has three letters; with any
     * other word beside it, it counts.
     */
    Optional<String> identifying(List<TextReader.Word> words) {
        return identifying(words, 0);
    }

    /**
     * As above, for a line of the given number of glyphs: a line of at least {@value #UNREADABLE_GLYPHS}
     * glyphs of which less than half is read with confidence (characters of confident words
     * against glyphs) is text that cannot be read (small
     * print, a script Tesseract's English model does not know, a device's bitmap font it misreads
     * as "GUI" for "QUIMBY"), and what cannot be read cannot be known to be safe. Shorter unread
     * lines are, in the sample images, shapes of anatomy and speckle. A lone three-letter word
     * passes only on a line that short: read from a longer one, it is what was made of more.
     */
    Optional<String> identifying(List<TextReader.Word> words, int glyphs) {
        List<TextReader.Word> confident = words.stream().filter(w -> w.confidence() >= MIN_CONFIDENCE).toList();
        // Every character read counts, marks and signs too (a caliper's "+", a scale's ticks).
        long read = confident.stream().mapToLong(w -> w.text().codePoints().filter(c -> !Character.isWhitespace(c)).count()).sum();
        if (glyphs >= UNREADABLE_GLYPHS && read * 2 < glyphs) {
            return Optional.of("text that cannot be read");
        }
        boolean shortLine = glyphs < UNREADABLE_GLYPHS;
        for (int i = 1; i < confident.size(); i++) {
            if (DIGIT_GROUP.matcher(bare(confident.get(i - 1).text())).matches() && DIGIT_GROUP.matcher(bare(confident.get(i).text())).matches()) {
                return Optional.of("numbers side by side");
            }
        }
        for (TextReader.Word w : confident) {
            Optional<String> why = identifying(w.text());
            if (why.isPresent() && !(why.get().equals(UNKNOWN) && shortLine && confident.size() == 1 && letters(w.text()) <= 3)) {
                return why;
            }
        }
        return Optional.empty();
    }

    /** A word without the punctuation around it: {@code 4711,} is the group {@code 4711}. */
    private static String bare(String word) {
        return word.strip().replaceAll("^\\p{Punct}+|\\p{Punct}+$", "");
    }

    private static int letters(String word) {
        return (int) word.chars().filter(Character::isLetter).count();
    }

    Optional<String> identifying(String word) {
        String w = word.strip();
        if (DATE.matcher(w).find()) {
            return Optional.of("a date");
        }
        if (LONG_DIGITS.matcher(w).find()) {
            return Optional.of("a number long enough to be an identifier");
        }
        var joined = JOINED_GROUPS.matcher(w);
        while (joined.find()) {
            if (joined.group().chars().filter(Character::isDigit).count() >= 5) {
                return Optional.of("numbers side by side");
            }
        }
        var parts = PARTS.matcher(w);
        while (parts.find()) {
            String part = parts.group();
            if (Character.isDigit(part.charAt(0))) {
                if (YEAR.matcher(part).matches()) {
                    return Optional.of("a year");
                }
                continue;
            }
            String upper = part.toUpperCase(Locale.ROOT);
            if (MONTHS.contains(upper)) {
                return Optional.of("a date");
            }
            if (LABELS.contains(upper)) {
                return Optional.of("a label of identifying data");
            }
            if (upper.length() >= 3 && !vocabulary.contains(upper)) {
                return Optional.of(UNKNOWN);
            }
        }
        return Optional.empty();
    }
}
