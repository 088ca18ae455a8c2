package org.veil.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.veil.SoakRun;
import org.veil.VeilProcess;

/**
 * {@code make soak}: the mixed load for {@code soak.duration} (30m by default; "90s", "2h" and
 * the like) against the packaged server sized as in its pod; prints a Markdown section for
 * docs/benchmarks.md with answers, p99 latency and resident memory over time. Exits 1 when any
 * answer was a 5xx or store, index and audit disagree afterwards.
 */
public final class SoakBenchmark {
    private SoakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration duration = parse(System.getProperty("soak.duration", "30m"));
        List<String> options = new ArrayList<>(List.of(SoakRun.POD_JVM));
        options.addAll(List.of("-Dquarkus.log.level=WARN", "-Dveil.deid.secret=bench-deid-secret-0123456789"));
        SoakRun.Result result;
        try (VeilProcess veil = VeilProcess.started(options.toArray(String[]::new))) {
            result = SoakRun.run(veil, duration, Duration.ofSeconds(10));
        }
        System.out.printf("### Soak, %s, %d s of mixed load%n%n", java.time.LocalDate.now(), duration.toSeconds());
        System.out.println(result.markdown());
        result.errorLog().forEach(l -> System.out.println("server: " + l));
        boolean ok = result.load().answers(5) == 0 && result.consistency().missing() == 0 && result.consistency().orphans() == 0
                && result.consistency().chainVerifies();
        System.exit(ok ? 0 : 1);
    }

    /** "30m", "90s", "2h" or an ISO-8601 duration. */
    static Duration parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.startsWith("p")) {
            return Duration.parse(text);
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("a duration such as 30m, 90s or 2h: " + text);
        };
    }
}
