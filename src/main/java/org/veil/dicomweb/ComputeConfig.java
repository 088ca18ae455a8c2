package org.veil.dicomweb;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import org.veil.dicom.ComputeGate;

/**
 * How much CPU-heavy work with pixel data runs at once (docs/configuration.md): rendering,
 * building de-identified views, transcoding. Beyond it a request is answered 503 with
 * Retry-After rather than queued without end.
 */
@ConfigMapping(prefix = "veil.compute")
public interface ComputeConfig {
    /** Pieces of work running at once; 0 means one per available processor. */
    @WithDefault("0")
    int maxRunning();

    /** Requests that may wait for a turn besides those running; 0 means four per running turn. */
    @WithDefault("0")
    int maxWaiting();

    /** How long a request waits for a turn before it is answered 503. */
    @WithDefault("30s")
    Duration maxWait();

    /** The one gate of the process, shared by every kind of work. */
    @ApplicationScoped
    class Gate {
        @Produces
        @jakarta.inject.Singleton
        ComputeGate gate(ComputeConfig config) {
            int running = config.maxRunning() > 0 ? config.maxRunning() : Runtime.getRuntime().availableProcessors();
            int waiting = config.maxWaiting() > 0 ? config.maxWaiting() : 4 * running;
            return new ComputeGate(running, waiting, config.maxWait().toMillis());
        }
    }
}
