package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tesseract's handles outlive the threads that read with them: a worker pool's threads retire
 * and new ones start, and each handle holds the English model in native memory (13 MiB) and
 * takes 80-300 ms to make. Kept per thread, every retired thread lost one and every new thread
 * made one.
 */
class TesseractHandlePoolTest {
    private static final int CORES = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Each test's own reader, whose idle handles (13 MiB each) go back to the C heap after it. */
    private Tesseract reader;

    @AfterEach
    void freeHandles() {
        if (reader != null) {
            reader.freeIdle();
            assertThat(reader.idleHandles()).isZero();
        }
    }

    @Test
    void threadsThatComeAndGoShareOneHandle() throws Exception {
        reader = Tesseract.withModelsIn(null);
        ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 12; i++) {
            Thread t = new Thread(() -> reader.read(Words.drawn("BONE"), 240, 60)
                    .forEach(w -> read.add(w.text())));
            t.start();
            t.join();
        }
        assertThat(read).hasSize(12).containsOnly("BONE");
        // One thread after another: the first made the handle, the other eleven took it idle.
        assertThat(reader.attempts).hasValue(1);
        assertThat(reader.freed).hasValue(0);
        assertThat(reader.idleHandles()).isEqualTo(1);
    }

    @Test
    void readersSideBySideEachHaveTheirOwnHandleAndTheSurplusIsFreed() {
        reader = Tesseract.withModelsIn(null);
        List<MemorySegment> held = new ArrayList<>();
        for (int i = 0; i < CORES + 3; i++) {
            held.add(reader.acquire());
        }
        // Held at once, no two readers share one: a handle is not safe for two threads.
        assertThat(Set.copyOf(held)).hasSize(CORES + 3);
        assertThat(reader.attempts).hasValue(CORES + 3);
        held.forEach(h -> reader.release(h, true));
        // One per core stays for the next reads; the burst's surplus goes back to the C heap.
        assertThat(reader.idleHandles()).isEqualTo(CORES);
        assertThat(reader.freed).hasValue(3);
        assertThat(reader.read(Words.drawn("BONE"), 240, 60)).extracting(TextReader.Word::text).containsExactly("BONE");
        assertThat(reader.attempts).hasValue(CORES + 3);
    }

    @Test
    void aHandleWhoseReadFailedIsFreedNotKept() {
        reader = Tesseract.withModelsIn(null);
        MemorySegment h = reader.acquire();
        reader.release(h, false);
        assertThat(reader.idleHandles()).isZero();
        assertThat(reader.freed).hasValue(1);
    }

    @Test
    void concurrentReadsReadWhatTheyShow() throws Exception {
        reader = Tesseract.withModelsIn(null);
        CyclicBarrier start = new CyclicBarrier(4);
        ConcurrentLinkedQueue<String> read = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        List<String> words = List.of("BONE", "LUNG", "BRAIN", "ABDOMEN");
        for (String word : words) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 5; i++) {
                        reader.read(Words.drawn(word), 240, 60).forEach(w -> read.add(w.text()));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(new HashSet<>(read)).containsExactlyInAnyOrderElementsOf(words);
        assertThat(read).hasSize(20);
        // Never more handles alive than readers at once, and the idle ones a reader had just given
        // back when another found none (a handle given back while another reader makes one), and
        // no more kept than one per core. Over the run more may be made: a handle given back to
        // a full pool is freed, and the next reader to find none idle makes one.
        assertThat(reader.attempts.get()).isBetween(1, 20);
        assertThat(reader.mostAlive.get()).isBetween(1, 4 + CORES);
        assertThat(reader.idleHandles()).isLessThanOrEqualTo(CORES);
        assertThat(reader.attempts.get() - reader.freed.get()).isEqualTo(reader.idleHandles());
    }
}
