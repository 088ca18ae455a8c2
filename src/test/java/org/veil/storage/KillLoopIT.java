package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.veil.Consistency;
import org.veil.MixedLoad;
import org.veil.VeilProcess;

/**
 * SIGKILLs the packaged server again and again ({@code veil.kill-loop.kills}, 50 by default)
 * while clinicians store, a clinician records and withdraws consent and a teacher's reads make
 * Veil de-identify, restarting it each time. Recovery leaves nothing staged before the first
 * request; afterwards everything Veil acknowledged is there byte for byte, objects and rows match
 * one to one, every stored instance and every consent change has its audit row, and the chain
 * verifies ({@link Consistency}). The figures go to docs/benchmarks.md.
 */
class KillLoopIT {
    private static final int KILLS = Integer.getInteger("veil.kill-loop.kills", 50);

    @Test
    void killsDuringStoreAndDeidentificationLoseNothingAcknowledged() throws Exception {
        long began = System.nanoTime();
        java.time.Instant startedAt = java.time.Instant.now();
        try (VeilProcess veil = VeilProcess.started("-Dquarkus.log.level=WARN",
                "-Dveil.deid.secret=veil-kill-loop-secret-0123456789")) {
            MixedLoad load = MixedLoad.ofTestData(veil.base());
            Random random = new Random(2026);
            int duringStow = 0;
            int duringDeid = 0;
            for (int kill = 1; kill <= KILLS; kill++) {
                // Recovery empties both; what is there now was begun since the start (the views built
                // ahead at every start stage derivatives and journal what they free).
                assertThat(leftOver(veil.storage().resolve("tmp"), startedAt)).as("staged files after restart %d", kill).isEmpty();
                assertThat(leftOver(veil.storage().resolve("journal"), startedAt)).as("journals after restart %d", kill).isEmpty();
                load.start(3, 0);
                Thread.sleep(1000 + random.nextInt(2500));
                duringStow += load.inFlight(MixedLoad.Op.STOW) ? 1 : 0;
                duringDeid += load.inFlight(MixedLoad.Op.DEID_READ) || load.inFlight(MixedLoad.Op.DEID_QUERY) ? 1 : 0;
                veil.kill();
                load.stop();
                startedAt = java.time.Instant.now();
                veil.start();
            }
            Consistency after = Consistency.of(veil, load);
            System.out.printf("kill loop: %d kills in %d s, a STOW in flight at %d, a de-identified read at %d; "
                            + "%d connection errors; answers 2xx %d, 4xx %d, 5xx %d; %s%n",
                    KILLS, (System.nanoTime() - began) / 1_000_000_000L, duringStow, duringDeid, load.connectionErrors(),
                    load.answers(2), load.answers(4), load.answers(5), after);

            if (load.answers(5) > 0) {
                // What the server said about them: its error lines name the failure, never patient data.
                veil.log().lines().filter(l -> l.contains("ERROR") || l.contains(" WARN ")).limit(40).forEach(System.out::println);
            }
            after.assertHolds();
            assertThat(load.answers(5)).as("5xx answers: %s", load.serverErrors()).isZero();
            assertThat(duringStow).as("kills while a STOW was in flight").isGreaterThanOrEqualTo(KILLS * 8 / 10);
            assertThat(duringDeid).as("kills while a de-identified read was in flight").isPositive();
        }
    }

    /** Files in the directory older than the server's start: left by the process before it, not cleared by recovery. */
    private static java.util.List<java.nio.file.Path> leftOver(java.nio.file.Path dir, java.time.Instant start) throws java.io.IOException {
        java.util.List<java.nio.file.Path> old = new java.util.ArrayList<>();
        for (java.nio.file.Path f : Consistency.files(dir)) {
            try {
                if (java.nio.file.Files.getLastModifiedTime(f).toInstant().isBefore(start)) {
                    old.add(f);
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // finished meanwhile
            }
        }
        return old;
    }
}
