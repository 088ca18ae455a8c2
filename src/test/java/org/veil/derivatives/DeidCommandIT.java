package org.veil.derivatives;

import org.veil.deid.Deidentifier;
import org.veil.deid.Keys;
import org.veil.deid.Outcome;
import org.veil.deid.Profiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TempTree;
import org.veil.TestData;
import org.veil.VeilProcess;

/**
 * The offline export through the packaged jar, as {@code make deid} runs it: files named by
 * derived UIDs only, a summary of what was withheld and why, the same bytes the engine makes in
 * process with the same secret and context, and a refusal without a secret.
 */
class DeidCommandIT {
    private static final String SECRET = "veil-command-test-secret-0123";
    private Path dir;

    @BeforeEach
    void createDir() throws Exception {
        dir = Files.createTempDirectory("veil-deid-command");
        Path in = Files.createDirectories(dir.resolve("in/nested"));
        Files.copy(TestData.file("real/CT-MONO2-16-ankle.dcm"), in.resolve("HARGREAVE_QUENTIN_ct.dcm"));
        Files.copy(TestData.file("real/US-PAL-8-10x-echo.dcm"), dir.resolve("in/echo.dcm"));
        Files.copy(TestData.file("real/simpleImageWithIcon.dcm"), dir.resolve("in/icon.dcm"));
        Files.writeString(dir.resolve("in/notes.txt"), "not an image");
    }

    @AfterEach
    void removeDir() throws Exception {
        TempTree.delete(dir);
    }

    @Test
    void exportsDerivativesNamedByDerivedUidsAndReportsWhatWasWithheld() throws Exception {
        Result r = run(SECRET, "--purpose", "teaching", dir.resolve("in").toString(), dir.resolve("out").toString());
        assertThat(r.exit).as(r.stderr).isZero();
        assertThat(r.stdout).contains("4 files, 2 derived, 1 withheld, 1 not DICOM")
                .contains("withheld 1: secondary captures carry burned-in text");
        assertThat(r.stderr).contains("100% 4/4");
        List<Path> written;
        try (Stream<Path> walk = Files.walk(dir.resolve("out"))) {
            written = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(written).hasSize(2);
        for (Path p : written) {
            assertThat(dir.resolve("out").relativize(p).toString()).matches("2\\.25\\.\\d+/2\\.25\\.\\d+/2\\.25\\.\\d+\\.dcm");
        }
        Deidentifier engine = Deidentifier.standard(new Keys(SECRET.getBytes(StandardCharsets.UTF_8)));
        Outcome.Derived inProcess = (Outcome.Derived) engine.deidentify(TestData.bytes("real/CT-MONO2-16-ankle.dcm"),
                Profiles.defaults().get("teaching").orElseThrow(), "teaching");
        Path expected = dir.resolve("out").resolve(inProcess.studyUid()).resolve(inProcess.seriesUid())
                .resolve(inProcess.sopInstanceUid() + ".dcm");
        assertThat(Files.readAllBytes(expected)).isEqualTo(inProcess.part10());
    }

    @Test
    void refusesWithoutASecretAndExplainsUsage() throws Exception {
        Result none = run(null, "--purpose", "teaching", dir.resolve("in").toString(), dir.resolve("out").toString());
        assertThat(none.exit).isEqualTo(2);
        assertThat(none.stderr).contains("VEIL_DEID_SECRET");
        assertThat(Files.exists(dir.resolve("out"))).isFalse();
        Result usage = run(SECRET, "--purpose", "teaching", dir.resolve("in").toString());
        assertThat(usage.exit).isEqualTo(2);
        assertThat(usage.stderr).contains("usage: veil deid");
        Result unknown = run(SECRET, "--purpose", "gossip", dir.resolve("in").toString(), dir.resolve("out").toString());
        assertThat(unknown.exit).isEqualTo(2);
        assertThat(unknown.stderr).contains("no profile named 'gossip'");
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private Result run(String secret, String... args) throws Exception {
        List<String> arguments = new java.util.ArrayList<>(List.of("deid"));
        arguments.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(VeilProcess.command(List.of(), arguments.toArray(String[]::new)));
        pb.environment().remove("VEIL_DEID_SECRET");
        if (secret != null) {
            pb.environment().put("VEIL_DEID_SECRET", secret);
        }
        pb.redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile());
        int exit = pb.start().waitFor();
        return new Result(exit, Files.readString(dir.resolve("stdout.txt")), Files.readString(dir.resolve("stderr.txt")));
    }
}
