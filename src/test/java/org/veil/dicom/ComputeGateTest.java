package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bound on pixel work: so many run, so many wait, the rest are told to come back. */
class ComputeGateTest {

    @Test
    void workBeyondTheRunningAndWaitingTurnsIsRefusedAtOnce() throws Exception {
        // A wait of ten minutes: a third that waited for a turn instead of being refused would not
        // return within the minute allowed below (a hang guard, not a speed target).
        ComputeGate gate = new ComputeGate(1, 1, 600_000);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<?> first = pool.submit(() -> {
                try (ComputeGate.Turn t = gate.enter()) {
                    running.countDown();
                    release.await();
                }
                return null;
            });
            running.await();
            Future<Boolean> second = pool.submit(() -> {
                try (ComputeGate.Turn t = gate.enter()) {
                    return true;
                }
            });
            // The second waits; the third finds both places taken.
            Thread.sleep(200);
            assertThat(second.isDone()).isFalse();
            assertThatThrownBy(() -> org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), gate::enter))
                    .as("refused without waiting").isInstanceOf(ComputeGate.BusyException.class);
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
            try (ComputeGate.Turn t = gate.enter()) {
                assertThat(t).isNotNull();
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aWaitLongerThanTheBoundIsRefused() throws Exception {
        ComputeGate gate = new ComputeGate(1, 4, 100);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            pool.submit(() -> {
                try (ComputeGate.Turn t = gate.enter()) {
                    running.countDown();
                    release.await();
                }
                return null;
            });
            running.await();
            assertThatThrownBy(gate::enter).isInstanceOf(ComputeGate.BusyException.class);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void workInsideATurnDoesNotWaitForItself() {
        ComputeGate gate = new ComputeGate(1, 0, 100);
        try (ComputeGate.Turn outer = gate.enter(); ComputeGate.Turn inner = gate.enter()) {
            assertThat(inner).isNotNull();
        }
        try (ComputeGate.Turn again = gate.enter()) {
            assertThat(again).as("the turn was given back").isNotNull();
        }
    }
}
