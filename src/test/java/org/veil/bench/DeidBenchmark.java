package org.veil.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.postgresql.ds.PGSimpleDataSource;
import org.veil.deid.Deidentifier;
import org.veil.deid.Keys;
import org.veil.deid.Option;
import org.veil.deid.Outcome;
import org.veil.deid.Profile;
import org.veil.deid.Profiles;
import org.veil.derivatives.DerivativeStore;
import org.veil.index.EmbeddedDatabase;
import org.veil.storage.BlobStore;
import org.veil.storage.FileBlobStore;

/**
 * De-identification throughput on the real CT, on one thread (so per core), against the
 * instances the main benchmark stored: the engine alone, the derivative store the first time
 * (engine, file, fsync, rows) and cached, each as a ratio to reading the original files from
 * the same store in the same run.
 */
final class DeidBenchmark {

    private DeidBenchmark() {
    }

    /**
     * {@code server}: the server's processes, which share the machine's two cores with this one:
     * the engine is measured once they are quiet (what the phases before left them doing, such
     * as views built in the background, finished), and their CPU meanwhile is printed.
     */
    static void run(EmbeddedDatabase db, Path storage, int count, List<Long> server) throws Exception {
        PGSimpleDataSource simple = new PGSimpleDataSource();
        simple.setUrl(db.jdbcUrl());
        simple.setUser(db.username());
        simple.setPassword(db.password());
        // Connections kept open, as the server's pool keeps them: otherwise every look-up would
        // pay for a new PostgreSQL connection.
        BenchConnections connections = new BenchConnections(simple);
        javax.sql.DataSource ds = connections.dataSource();
        BlobStore blobs = new FileBlobStore(storage);
        List<String[]> instances = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sop_instance_uid, storage_key FROM instance ORDER BY id LIMIT " + count)) {
            while (rs.next()) {
                instances.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        Keys keys = new Keys(("bench-secret-" + System.nanoTime()).getBytes());
        Deidentifier engine = Deidentifier.standard(keys);
        Profile teaching = Profiles.defaults().get("teaching").orElseThrow();
        Profile attributesOnly = new Profile("attributes-only", EnumSet.of(Option.CLEAN_DESCRIPTORS, Option.RETAIN_PATIENT_CHARACTERISTICS));

        List<byte[]> originals = new ArrayList<>();
        // Warm-up, untimed, in another context: the JIT compiles the paths the timed runs take.
        DerivativeStore warmStore = new DerivativeStore(ds, connections.transactions(), blobs, engine, 0);
        for (int round = 0; round < 3; round++) {
            for (String[] i : instances.subList(0, Math.min(100, instances.size()))) {
                byte[] b = blobs.readAll(i[1]);
                engine.deidentify(b, attributesOnly, "warm-up");
                engine.deidentify(b, teaching, "warm-up");
                if (round == 0) {
                    warmStore.derive(i[0], teaching, "warm-up");
                }
                blobs.readAll(warmStore.derive(i[0], teaching, "warm-up").orElseThrow().storageKey());
            }
        }
        double quietAfter = awaitQuiet(server, 180);
        double serverCpu = CpuTime.of(server);
        double read = rate(instances.size(), () -> {
            for (String[] i : instances) {
                originals.add(blobs.readAll(i[1]));
            }
        });
        double engineAttributes = rate(originals.size(), () -> {
            for (byte[] b : originals) {
                engine.deidentify(b, attributesOnly, "bench");
            }
        });
        double enginePixels = rate(originals.size(), () -> {
            for (byte[] b : originals) {
                if (!(engine.deidentify(b, teaching, "bench") instanceof Outcome.Derived)) {
                    throw new IllegalStateException("the CT was withheld");
                }
            }
        });
        serverCpu = CpuTime.of(server) - serverCpu;
        DerivativeStore store = new DerivativeStore(ds, connections.transactions(), blobs, engine, 0);
        double first = rate(instances.size(), () -> {
            for (String[] i : instances) {
                store.derive(i[0], teaching, "teaching").orElseThrow();
            }
        });
        // As a view's build makes them: a study's instances at a time, in batches sharing their flushes and transaction.
        List<String> sops = instances.stream().map(i -> i[0]).toList();
        double batched = rate(instances.size(), () -> {
            for (int from = 0; from < sops.size(); from += 50) {
                store.deriveAll(sops.subList(from, Math.min(sops.size(), from + 50)), teaching, "teaching-batched");
            }
        });
        double cached = rate(instances.size(), () -> {
            for (String[] i : instances) {
                blobs.readAll(store.derive(i[0], teaching, "teaching").orElseThrow().storageKey());
            }
        });
        TextCheckCost text = textCheck(originals.get(0));
        System.out.printf(Locale.ROOT, """
                | De-identification, one thread, %d real CT instances (512x512, 16-bit), after warm-up | instances/s | vs reading the originals | |
                |---|---|---|---|
                | Baseline: read the original files from the store | %.0f | 1.00 | |
                | Engine, attributes only (no pixel cleaning) | %.0f | %.2f | |
                | Engine, teaching profile (decode, black out, re-encode) | %.0f | %.2f | |
                | Derivative store, first time, one at a time (engine + file + fsync + rows) | %.0f | %.2f | |
                | Derivative store, first time, 50 at a time as a view's build makes them | %.0f | %.2f | |
                | Derivative store, cached (lookup + read the derivative) | %.0f | %.2f | |

                The engine was measured once the server had been quiet for %d s (%.0f s after the phases before); the
                server's CPU while the originals were read and the engine ran: %.2f core-s.

                """, instances.size(), read, engineAttributes, engineAttributes / read, enginePixels, enginePixels / read,
                first, first / read, batched, batched / read, cached, cached / read, QUIET_SECONDS, quietAfter, serverCpu);
        System.out.printf(Locale.ROOT, """
                | The text check, one thread | per second | |
                |---|---|---|
                | Looking for lines (TextLineFinder) on a 512x512 CT frame without text | %.0f frames | |
                | Looking for lines on the real CT after its rule painted (%d lines found) | %.0f frames | |
                | Reading and judging those %d lines with Tesseract, nothing cached (a new instance's overlay) | %.1f instances | %.0f ms a line |

                """, text.plainFrames(), text.lines(), text.ctFrames(), text.lines(), text.uncachedInstances(),
                1000.0 / (text.uncachedInstances() * Math.max(1, text.lines())));
    }

    /** What the text check costs, apart from the rest of the engine. */
    private record TextCheckCost(double plainFrames, double ctFrames, int lines, double uncachedInstances) {
    }

    private static TextCheckCost textCheck(byte[] ct) throws Exception {
        org.veil.dicom.PixelFrames frames = org.veil.dicom.Part10Editor.readDecoded(ct).pixels(1L << 30);
        frames.paint(List.of(new java.awt.Rectangle(0, 0, 512, 62)));
        byte[] grey = frames.luminance(0, frames.window());
        byte[] plain = org.veil.deid.SyntheticFrames.plainCt(512);
        for (int i = 0; i < 200; i++) {
            org.veil.deid.TextLineFinder.find(plain, 512, 512);
            org.veil.deid.TextLineFinder.find(grey, 512, 512);
        }
        double plainRate = rate(2000, () -> {
            for (int i = 0; i < 2000; i++) {
                org.veil.deid.TextLineFinder.find(plain, 512, 512);
            }
        });
        int lines = org.veil.deid.TextLineFinder.find(grey, 512, 512).size();
        double ctRate = rate(500, () -> {
            for (int i = 0; i < 500; i++) {
                org.veil.deid.TextLineFinder.find(grey, 512, 512);
            }
        });
        java.util.Set<String> vocabulary = org.veil.deid.BurnedInTextCheck.standardVocabulary();
        java.util.Optional<org.veil.deid.TextReader> reader = org.veil.deid.Tesseract.available();
        new org.veil.deid.BurnedInTextCheck(reader, vocabulary).check(frames);
        double uncached = rate(20, () -> {
            for (int i = 0; i < 20; i++) {
                // a new check each time: nothing read before is remembered
                new org.veil.deid.BurnedInTextCheck(reader, vocabulary).check(frames);
            }
        });
        return new TextCheckCost(plainRate, ctRate, lines, uncached);
    }

    private interface Work {
        void run() throws Exception;
    }

    private static final int QUIET_SECONDS = 3;

    /**
     * Waits until the server's processes used under a tenth of a core for QUIET_SECONDS in a row,
     * at most {@code most} seconds; returns the seconds waited.
     */
    private static double awaitQuiet(List<Long> server, int most) throws InterruptedException {
        long start = System.nanoTime();
        int quiet = 0;
        while (quiet < QUIET_SECONDS && System.nanoTime() - start < most * 1_000_000_000L) {
            double before = CpuTime.of(server);
            Thread.sleep(1000);
            quiet = CpuTime.of(server) - before < 0.1 ? quiet + 1 : 0;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double rate(int n, Work work) throws Exception {
        long t = System.nanoTime();
        work.run();
        return n / ((System.nanoTime() - t) / 1e9);
    }

}
