package org.veil.bench;

import java.io.ByteArrayInputStream;
import java.util.Locale;
import org.veil.dicom.DicomReader;
import org.veil.dicom.HostileFiles;
import org.veil.dicom.InstanceParser;

/**
 * Whether reading a stored instance stays linear in its number of elements (issue 15: a lookup
 * per element that scanned the data set made 320,000 empty elements take 36 s): the same
 * Implicit VR file with 125,000 to 1,000,000 empty elements, parsed as STOW parses it, metadata
 * JSON included. Linear reading takes 8 times as long for 8 times the elements.
 */
final class ParseBenchmark {

    private ParseBenchmark() {
    }

    static void run() throws Exception {
        DicomReader.Limits limits = new DicomReader.Limits(1024, 16 << 20, 64L << 20, 1_000_100, 1_000_000, 256L << 20);
        int[] sizes = {125_000, 250_000, 500_000, 1_000_000};
        double[] millis = new double[sizes.length];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < sizes.length; i++) {
                byte[] file = HostileFiles.manyElements(sizes[i]);
                long t = System.nanoTime();
                InstanceParser.parse(new ByteArrayInputStream(file), limits);
                millis[i] = (System.nanoTime() - t) / 1e6; // the last round counts: after warm-up
            }
        }
        StringBuilder table = new StringBuilder("""
                | Parsing one instance of N empty elements (Implicit VR, as STOW does) | ms | vs 125,000 |
                |---|---|---|
                """);
        for (int i = 0; i < sizes.length; i++) {
            table.append(String.format(Locale.ROOT, "| %,d elements | %.0f | %.1fx |%n", sizes[i], millis[i], millis[i] / millis[0]));
        }
        System.out.println(table);
    }
}
