package org.veil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared real DICOM files beside the checkout (../shared/testdata). */
public final class TestData {
    private TestData() {
    }

    public static Path shared() {
        return Path.of(System.getProperty("veil.shared", "../shared")).toAbsolutePath().normalize();
    }

    public static Path file(String relative) {
        return shared().resolve("testdata").resolve(relative);
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every .dcm file under testdata/pydicom and testdata/real, sorted by name. */
    public static List<Path> dicomFiles() {
        try (Stream<Path> py = Files.list(shared().resolve("testdata/pydicom"));
             Stream<Path> real = Files.list(shared().resolve("testdata/real"))) {
            return Stream.concat(py, real).filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
