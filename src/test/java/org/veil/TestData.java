package org.veil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real DICOM files and reference data of the repository (src/test/data, provenance in its README.md). */
public final class TestData {
    private TestData() {
    }

    /** src/test/data, or where veil.testdata points. */
    public static Path root() {
        return Path.of(System.getProperty("veil.testdata", "src/test/data")).toAbsolutePath().normalize();
    }

    /** A file below src/test/data, such as {@code real/CT-MONO2-16-ankle.dcm} or {@code pydicom/MR_small.dcm}. */
    public static Path file(String relative) {
        return root().resolve(relative);
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every .dcm file under pydicom/ and real/, sorted by name. */
    public static List<Path> dicomFiles() {
        try (Stream<Path> py = Files.list(root().resolve("pydicom"));
             Stream<Path> real = Files.list(root().resolve("real"))) {
            return Stream.concat(py, real).filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
