package org.veil;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MixedLoad} against one running Veil for a while, with the server's resident memory
 * read from {@code /proc} at a fixed interval: what {@code make soak} reports and {@link SoakIT}
 * checks in short.
 */
public final class SoakRun {
    /** The JVM sizing of the pod (2 GiB limit, helm/veil/values.yaml; MaxRAMPercentage 75, Dockerfile.jvm). */
    public static final String[] POD_JVM = {"-XX:MaxRAM=2g", "-XX:MaxRAMPercentage=75"};
    public static final long POD_LIMIT_KB = 2L * 1024 * 1024;

    /** Resident memory of the server at a time after the load started. */
    public record Sample(long seconds, long rssKb) {
    }

    /** @param errorLog the server's first ERROR log lines (request ids, exception classes) */
    public record Result(Duration duration, MixedLoad load, List<Sample> rss, Consistency consistency, List<String> errorLog) {
        public long peakRssKb() {
            return rss.stream().mapToLong(Sample::rssKb).max().orElse(0);
        }

        /** A Markdown section for docs/benchmarks.md. */
        public String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("| Request | Answers | 2xx | 4xx | 5xx | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (MixedLoad.Op op : MixedLoad.Op.values()) {
                md.append("| %s | %d | %d | %d | %d | %.0f | %.0f |\n".formatted(op, load.count(op), load.answers(op, 2),
                        load.answers(op, 4), load.answers(op, 5), load.percentileMillis(op, 50), load.percentileMillis(op, 99)));
            }
            md.append("\nConnection errors: ").append(load.connectionErrors()).append(".\n");
            if (!load.serverErrors().isEmpty()) {
                md.append("\nFirst server errors:\n\n");
                load.serverErrors().forEach(e -> md.append("- `").append(e).append("`\n"));
            }
            md.append("\nResident memory (MiB) over time:\n\n");
            md.append("| Minute | RSS |\n|---:|---:|\n");
            long next = 0;
            for (Sample s : rss) {
                if (s.seconds() >= next || s == rss.get(rss.size() - 1)) {
                    md.append("| %.1f | %d |\n".formatted(s.seconds() / 60.0, s.rssKb() / 1024));
                    next = s.seconds() + Math.max(60, duration.toSeconds() / 15);
                }
            }
            md.append("\nAfterwards: ").append(consistency).append(".\n");
            return md.toString();
        }
    }

    private SoakRun() {
    }

    public static Result run(VeilProcess veil, Duration duration, Duration sampleEvery) throws Exception {
        MixedLoad load = MixedLoad.ofTestData(veil.base());
        List<Sample> rss = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        load.start(2, 100);
        try {
            while (System.nanoTime() < end) {
                rss.add(new Sample((System.nanoTime() - start) / 1_000_000_000L, veil.rssKb()));
                Thread.sleep(Math.min(sampleEvery.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } finally {
            load.stop();
        }
        rss.add(new Sample((System.nanoTime() - start) / 1_000_000_000L, veil.rssKb()));
        List<String> errorLog = veil.log().lines().filter(l -> l.contains(" ERROR ")).limit(30).toList();
        return new Result(duration, load, rss, Consistency.of(veil, load), errorLog);
    }
}
