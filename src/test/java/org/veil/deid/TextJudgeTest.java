package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The judge of words read from pixels, word by word: what passes as annotation and what does not. */
class TextJudgeTest {
    private final TextJudge judge = new TextJudge(Set.of("KV", "MA", "SLICE", "AXIAL"));

    private static List<TextReader.Word> line(String... words) {
        return Arrays.stream(words).map(w -> new TextReader.Word(w, 90f, 0, 10)).toList();
    }

    @Test
    void numbersWrittenInGroupsAreIdentifiers() {
        // An MRN, a phone number or a date written in groups of digits: each group alone is a
        // short number, which annotations are full of; side by side they are not.
        assertThat(judge.identifying(line("4711", "2345", "0312"))).contains("numbers side by side");
        assertThat(judge.identifying(line("12", "03", "85"))).contains("numbers side by side");
        assertThat(judge.identifying(line("4711,", "2345."))).as("punctuation around the groups").contains("numbers side by side");
        // Read by OCR as one word: the groups joined by a dash or an underscore.
        assertThat(judge.identifying(line("4821-3377"))).contains("numbers side by side");
        assertThat(judge.identifying(line("555-0142"))).contains("numbers side by side");
        assertThat(judge.identifying(line("4821_3377"))).contains("numbers side by side");
        // Not a decimal, a time of day, a probe's range, a window, an image counter or TR/TE.
        for (String annotation : new String[] {"12.5", "10:15", "10:15:30", "C5-1", "400/40", "45/120", "4000/90"}) {
            assertThat(judge.identifying(line(annotation))).as(annotation).isEmpty();
        }
    }

    @Test
    void annotationsWithNumbersBetweenWordsPass() {
        assertThat(judge.identifying(line("120", "kV", "250", "mA"))).isEmpty();
        assertThat(judge.identifying(line("512", "x", "512"))).isEmpty();
        assertThat(judge.identifying(line("SLICE", "42"))).isEmpty();
    }

    @Test
    void theOtherRulesStillHold() {
        assertThat(judge.identifying(line("48213377"))).contains("a number long enough to be an identifier");
        assertThat(judge.identifying(line("12/03/1985"))).contains("a date");
        assertThat(judge.identifying(line("AXIAL", "BAKER"))).contains("a word that is not a known annotation");
    }

    /**
     * A line is judged by all its glyphs: a device's bitmap font that OCR misreads (six glyphs of
     * "QUIMBY" read as "GUI" with low confidence, or as a confident "QUT") is text that cannot be
     * read, and the lone three-letter word that passes on a short line does not on a long one.
     */
    @Test
    void aLineIsJudgedByItsGlyphsNotOnlyByWhatWasRead() {
        assertThat(judge.identifying(List.of(new TextReader.Word("GUI", 40f, 0, 10)), 6)).contains("text that cannot be read");
        assertThat(judge.identifying(line("QUT"), 6)).as("three letters of six glyphs").isPresent();
        assertThat(judge.identifying(line("QU"), 6)).contains("text that cannot be read");
        assertThat(judge.identifying(line("QUT", "12"), 7)).as("five read of seven").contains("a word that is not a known annotation");
        assertThat(judge.identifying(line("PSR"), 3)).as("a short annotation misread").isEmpty();
        assertThat(judge.identifying(line("PSR"), 4)).isEmpty();
        assertThat(judge.identifying(line("120", "kV"), 5)).as("all five read").isEmpty();
        assertThat(judge.identifying(line("SLICE", "42"), 9)).as("seven of nine read").isEmpty();
        assertThat(judge.identifying(List.of(new TextReader.Word("BELA", 30f, 0, 10)), 4))
                .as("four unread glyphs pass: the limit docs/deidentification.md names").isEmpty();
    }
}
