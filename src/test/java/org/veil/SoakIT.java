package org.veil;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short soak of {@code make test}: the mixed load of {@link MixedLoad} for
 * {@code veil.soak.seconds} (90 by default) against the packaged server sized as in its pod.
 * No answer is a 5xx, no request fails to connect, store, index and audit agree afterwards, and
 * resident memory stays under the pod's limit. {@code make soak} runs the same for 30 minutes and
 * reports it (docs/benchmarks.md).
 */
class SoakIT {

    @Test
    void aMixedLoadGetsNoServerErrorAndLeavesEverythingConsistent() throws Exception {
        List<String> options = new ArrayList<>(List.of(SoakRun.POD_JVM));
        options.addAll(List.of("-Dquarkus.log.level=WARN", "-Dveil.deid.secret=veil-soak-secret-0123456789"));
        try (VeilProcess veil = VeilProcess.started(options.toArray(String[]::new))) {
            SoakRun.Result result = SoakRun.run(veil, Duration.ofSeconds(Integer.getInteger("veil.soak.seconds", 90)),
                    Duration.ofSeconds(5));
            System.out.println("soak:\n" + result.markdown());
            result.errorLog().forEach(l -> System.out.println("server: " + l));

            for (MixedLoad.Op op : List.of(MixedLoad.Op.STOW, MixedLoad.Op.DEID_QUERY, MixedLoad.Op.CONSENT)) {
                assertThat(result.load().count(op)).as("%s requests answered", op).isPositive();
            }
            assertThat(result.load().answers(5)).as("5xx answers").isZero();
            assertThat(result.load().connectionErrors()).as("requests that got no answer").isZero();
            assertThat(result.load().answers(MixedLoad.Op.STOW, 4)).as("STOW refusals").isZero();
            result.consistency().assertHolds();
            assertThat(result.peakRssKb()).as("resident memory (KiB)").isLessThan(SoakRun.POD_LIMIT_KB);
        }
    }
}
