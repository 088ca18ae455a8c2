package org.veil.dicomweb;

import jakarta.enterprise.context.ApplicationScoped;
import org.veil.dicom.ComputeGate;

/**
 * How many QIDO-RS searches run in the database at once, per replica. Each search is bounded in
 * time (the query timeout) and in what its answer holds, but not in number: a reader sending
 * dozens of searches built to run their whole ten seconds (a leading wildcard, a fuzzy name of many
 * words) held every connection of the pool, and every other request waited and failed, while
 * each search's rows (up to a page of study attributes, an instance's whole metadata) were held
 * at once. Beyond the running searches a few wait briefly; more are answered 503 with
 * Retry-After at once (docs/configuration.md).
 */
@ApplicationScoped
public class SearchGate {
    /** How long a search waits for its turn before 503. */
    private static final long MAX_WAIT_MILLIS = 5_000;

    private final ComputeGate gate;

    public SearchGate(DicomWebConfig config) {
        int running = Math.max(1, config.maxConcurrentSearches());
        this.gate = new ComputeGate(running, 4 * running, MAX_WAIT_MILLIS);
    }

    /** A turn to search, closed when the search's rows are read: {@code try (var t = gate.enter()) {...}}. */
    ComputeGate.Turn enter() {
        try {
            return gate.enter();
        } catch (ComputeGate.BusyException e) {
            throw new Busy();
        }
    }

    /** As many searches as run at once are running, and as many waiting: 503 with Retry-After. */
    public static final class Busy extends ComputeGate.BusyException {
        Busy() {
            super("Veil is running as many searches as it runs at once; try again in a few seconds");
        }
    }
}
