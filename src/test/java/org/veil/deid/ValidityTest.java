package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.TestData;
import org.veil.dicom.MalformedDicomException;

/**
 * Derivatives are as valid as their originals: dicom3tools' dciodvfy reports no error on a
 * derivative that it does not report on the original, for every sample file Veil can read and
 * every default profile. Errors are compared without the values they quote.
 */
class ValidityTest {
    @TempDir
    static Path dir;
    private static final java.util.concurrent.atomic.AtomicInteger CHECKED = new java.util.concurrent.atomic.AtomicInteger();
    private final Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));

    @AfterAll
    static void enoughWereChecked() {
        // Withheld and unreadable samples are skipped (secondary captures and ultrasound without a rule, the six
        // fragments without a SOP Instance UID, the two 12-bit JPEGs); the check must still have covered most of them.
        System.out.printf("validity: %d derivatives checked with dciodvfy%n", CHECKED.get());
        assertThat(CHECKED.get()).isGreaterThanOrEqualTo(110);
    }

    static Stream<Path> samples() {
        return TestData.dicomFiles().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void noNewErrors(Path sample) throws Exception {
        Set<String> before = errors(sample);
        for (Profile profile : Profiles.defaults().all().values()) {
            Outcome outcome;
            try {
                outcome = engine.deidentify(Files.readAllBytes(sample), profile, profile.name());
            } catch (MalformedDicomException unreadable) {
                return; // a file Veil refuses to read is never stored, so never derived
            }
            if (outcome instanceof Outcome.Derived d) {
                Path out = dir.resolve(sample.getFileName() + "." + profile.name() + ".dcm");
                Files.write(out, d.part10());
                Set<String> after = errors(out);
                after.removeAll(before);
                CHECKED.incrementAndGet();
                assertThat(after).as(profile.name() + " on " + sample.getFileName()).isEmpty();
            }
        }
    }

    static Stream<AdversarialCorpus.Case> hostile() {
        return AdversarialCorpus.attributes().stream();
    }

    /** The hostile instances too: default deny removes and replaces, and must not make an instance invalid that was not. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void noNewErrorsOnHostileInstances(AdversarialCorpus.Case hostile) throws Exception {
        Path original = dir.resolve("hostile-" + Math.abs(hostile.name().hashCode()) + ".dcm");
        Files.write(original, hostile.part10());
        Set<String> before = errors(original);
        for (Profile profile : Profiles.defaults().all().values()) {
            Outcome outcome = engine.deidentify(hostile.part10(), profile, profile.name());
            assertThat(outcome).as(hostile.name()).isInstanceOf(Outcome.Derived.class);
            Path out = dir.resolve(original.getFileName() + "." + profile.name() + ".dcm");
            Files.write(out, ((Outcome.Derived) outcome).part10());
            Set<String> after = errors(out);
            after.removeAll(before);
            assertThat(after).as(profile.name() + " on " + hostile.name()).isEmpty();
        }
    }

    private static Set<String> errors(Path file) throws Exception {
        Process p = new ProcessBuilder("dciodvfy", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        p.waitFor();
        // A run that aborted (the file unreadable to it) finds no errors, which would pass "no new
        // errors" without a check; every file it reads gets at least a warning or an IOD's name.
        assertThat(out).as("dciodvfy on " + file.getFileName()).doesNotContain("Abort").isNotBlank();
        Set<String> errors = new TreeSet<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("Error")) {
                errors.add(line.replaceAll("<[^>]*>", "<>").replaceAll("\\[[^]]*]", "[]").replaceAll("= \\S+", "=")
                        .replaceAll("\\b\\d+(\\.\\d+){2,}\\b", "UID").replaceAll("InstanceUID \\S+", "InstanceUID UID").trim());
            }
        }
        return errors;
    }
}
