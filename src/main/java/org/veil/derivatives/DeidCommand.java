package org.veil.derivatives;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.veil.deid.DeidSettings;
import org.veil.deid.Deidentifier;
import org.veil.deid.Keys;
import org.veil.deid.Outcome;
import org.veil.deid.Profile;
import org.veil.dicom.MalformedDicomException;

/**
 * {@code veil deid --purpose <profile> [--context <name>] IN OUT}: de-identifies every DICOM file
 * under IN into OUT, with the server's engine, profiles, rules and secret (VEIL_DEID_SECRET), so
 * that an export and the server make the same derivatives. Output files are named by derived
 * UIDs ({@code <study>/<series>/<instance>.dcm}), never by the input names, which may name the
 * patient. Without a secret it refuses to run rather than invent one.
 */
public final class DeidCommand {
    static final int OK = 0;
    static final int USAGE = 2;
    static final int FAILED = 1;

    private final PrintStream out;
    private final PrintStream err;

    public DeidCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String... args) {
        System.exit(new DeidCommand(System.out, System.err).run(args));
    }

    public int run(String... args) {
        String purpose = null;
        String context = null;
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--purpose" -> purpose = i + 1 < args.length ? args[++i] : null;
                case "--context" -> context = i + 1 < args.length ? args[++i] : null;
                default -> paths.add(args[i]);
            }
        }
        if (purpose == null || paths.size() != 2) {
            err.println("usage: veil deid --purpose <consultation|teaching|research|publication|...> [--context <name>] IN OUT");
            return USAGE;
        }
        Path in = Path.of(paths.get(0)).toAbsolutePath().normalize();
        Path outDir = Path.of(paths.get(1)).toAbsolutePath().normalize();
        if (!Files.isDirectory(in)) {
            err.println("veil deid: IN is not a directory: " + in);
            return USAGE;
        }
        if (outDir.startsWith(in) || in.startsWith(outDir)) {
            err.println("veil deid: IN and OUT must not contain each other");
            return USAGE;
        }
        DeidConfig config = config();
        Deidentifier engine;
        Profile profile;
        try {
            Keys keys = DeidSettings.keys(config.secret());
            profile = DeidSettings.profiles(config.profiles()).get(purpose).orElse(null);
            if (profile == null) {
                err.println("veil deid: no profile named '" + purpose + "'");
                return USAGE;
            }
            engine = DeidSettings.engine(keys, config.pixelRules(), config.descriptorWords(), config.maxDecodedBytes());
        } catch (IllegalStateException | IllegalArgumentException | IOException e) {
            err.println("veil deid: " + e.getMessage());
            return USAGE;
        }
        try {
            return export(engine, profile, context == null ? profile.name() : context, in, outDir);
        } catch (IOException | InterruptedException e) {
            err.println("veil deid: " + e.getMessage());
            return FAILED;
        }
    }

    private int export(Deidentifier engine, Profile profile, String context, Path in, Path outDir) throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(in)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Files.createDirectories(outDir);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger derived = new AtomicInteger();
        AtomicInteger notDicom = new AtomicInteger();
        Map<String, Integer> withheld = new TreeMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        List<Future<?>> tasks = new ArrayList<>();
        Progress progress = new Progress(err, files.size());
        for (Path file : files) {
            tasks.add(pool.submit(() -> {
                try {
                    Outcome outcome = engine.deidentify(Files.readAllBytes(file), profile, context);
                    if (outcome instanceof Outcome.Derived d) {
                        Path target = outDir.resolve(d.studyUid()).resolve(d.seriesUid()).resolve(d.sopInstanceUid() + ".dcm");
                        Files.createDirectories(target.getParent());
                        Files.write(target, d.part10());
                        derived.incrementAndGet();
                    } else {
                        synchronized (withheld) {
                            withheld.merge(((Outcome.Withheld) outcome).reason(), 1, Integer::sum);
                        }
                    }
                } catch (MalformedDicomException e) {
                    notDicom.incrementAndGet();
                } catch (IOException e) {
                    synchronized (withheld) {
                        withheld.merge("could not be read or written: " + e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                }
                progress.show(done.incrementAndGet());
                return null;
            }));
        }
        for (Future<?> t : tasks) {
            try {
                t.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
        pool.shutdown();
        progress.finish();
        int withheldCount = withheld.values().stream().mapToInt(Integer::intValue).sum();
        out.printf("profile %s, context %s: %d files, %d derived, %d withheld, %d not DICOM%n",
                profile.name(), context, files.size(), derived.get(), withheldCount, notDicom.get());
        withheld.forEach((reason, n) -> out.printf("  withheld %d: %s%n", n, reason));
        return OK;
    }

    /** The same configuration sources as the server: system properties, environment, application.properties. */
    static DeidConfig config() {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withMapping(DeidConfig.class);
        try {
            var url = DeidCommand.class.getResource("/application.properties");
            if (url != null) {
                builder.withSources(new PropertiesConfigSource(url, 250));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read application.properties", e);
        }
        SmallRyeConfig config = builder.build();
        return config.getConfigMapping(DeidConfig.class);
    }

    /** A bar on standard error: {@code [#########-----------] 45% 90/200}. */
    private static final class Progress {
        private final PrintStream err;
        private final int total;
        private int shownPercent = -1;

        Progress(PrintStream err, int total) {
            this.err = err;
            this.total = total;
        }

        synchronized void show(int done) {
            int percent = total == 0 ? 100 : done * 100 / total;
            if (percent == shownPercent) {
                return;
            }
            shownPercent = percent;
            int filled = percent / 5;
            err.print("\r[" + "#".repeat(filled) + "-".repeat(20 - filled) + "] " + percent + "% " + done + "/" + total);
            err.flush();
        }

        synchronized void finish() {
            show(total);
            err.println();
        }
    }
}
