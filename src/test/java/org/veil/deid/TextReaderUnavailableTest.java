package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.PixelFrames;

/**
 * A text reader that cannot work (Tesseract without its model, found only on the first read now
 * that no handle is made at start-up) withholds what shows text, as having no reader does, and
 * leaves no verdict behind.
 */
class TextReaderUnavailableTest {

    /** The real CT: its overlay carries the imaging centre's name and the date. */
    private static PixelFrames ctFrames() throws Exception {
        return Part10Editor.readDecoded(Files.readAllBytes(TestData.file("real/CT-MONO2-16-ankle.dcm")))
                .pixels(Deidentifier.DEFAULT_MAX_DECODED_BYTES);
    }

    @Test
    void aReaderThatCannotWorkWithholdsAndIsAskedAgainNextTime() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        TextReader broken = (grey, width, height) -> {
            asked.incrementAndGet();
            throw new TextReader.Unavailable("no model here");
        };
        BurnedInTextCheck check = new BurnedInTextCheck(Optional.of(broken), BurnedInTextCheck.standardVocabulary());

        Optional<String> first = check.check(ctFrames());
        assertThat(first).hasValueSatisfying(reason -> assertThat(reason)
                .contains("text reader cannot work here").doesNotContain("JFK", "IMAGING", "model"));
        int afterFirst = asked.get();
        assertThat(afterFirst).isEqualTo(1);

        // No verdict was kept for the strip: the next instance with the same overlay asks again.
        assertThat(check.check(ctFrames())).isEqualTo(first);
        assertThat(asked.get()).isEqualTo(afterFirst + 1);
    }

    @Test
    void theSameFramesWithTesseractAreWithheldForWhatTheyShow() throws Exception {
        // The comparison the test above stands on: with a working reader, the overlay is read and judged.
        Optional<TextReader> tesseract = Tesseract.available();
        assertThat(tesseract).as("libtesseract5 is installed on the test machines").isPresent();
        assertThat(new BurnedInTextCheck(tesseract, BurnedInTextCheck.standardVocabulary()).check(ctFrames()))
                .hasValueSatisfying(reason -> assertThat(reason).contains("burned-in text"));
    }

    @Test
    void tesseractWithoutItsModelFailsOnTheFirstReadAndEveryLaterOne(@TempDir Path empty) throws Exception {
        Tesseract reader = Tesseract.withModelsIn(empty.toString());
        byte[] bone = Words.drawn("BONE");
        assertThatThrownBy(() -> reader.read(bone, 240, 60)).isInstanceOf(TextReader.Unavailable.class)
                .hasMessageContaining("English model");
        assertThatThrownBy(() -> reader.read(bone, 240, 60)).isInstanceOf(TextReader.Unavailable.class)
                .hasMessageContaining("English model");
        // Another thread fails at once too: the model was looked for once, not per read or per thread.
        Thread other = new Thread(() -> assertThatThrownBy(() -> reader.read(bone, 240, 60))
                .isInstanceOf(TextReader.Unavailable.class));
        other.start();
        other.join();
        assertThat(reader.attempts).hasValue(1);
    }

    @Test
    void everyDeclaredTesseractFunctionBindsWithItsType() {
        org.veil.dicom.ForeignLibraryTest.assertEveryFunctionBindsWithItsType(Tesseract.Functions.tesseract());
        org.veil.dicom.ForeignLibraryTest.assertEveryFunctionBindsWithItsType(Tesseract.Functions.libc());
    }

    @Test
    void theStartUpProbeFindsTheInstalledModelAndTheFirstReadMakesItsHandle() {
        assertThat(Tesseract.problem()).isEmpty();
        List<TextReader.Word> words = Tesseract.available().orElseThrow().read(Words.drawn("BONE"), 240, 60);
        assertThat(words).extracting(TextReader.Word::text).containsExactly("BONE");
    }
}
