package org.veil.derivatives;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.io.IOException;
import org.jboss.logging.Logger;
import org.veil.consent.ConsentChange;
import org.veil.logging.Failures;
import org.veil.policy.Requirement;

/**
 * Drops what was derived under a consent or share once its withdrawal or revocation has
 * committed. Access is already refused by then (every request weighs the registry in the
 * database), so dropping only frees space: a failure is logged, retried by the next withdrawal
 * or eviction, and does not make the change a failure.
 */
@ApplicationScoped
public class ConsentObserver {
    private static final Logger LOG = Logger.getLogger(ConsentObserver.class);

    private final Deidentification deid;

    public ConsentObserver(Deidentification deid) {
        this.deid = deid;
    }

    void onChange(@Observes(during = TransactionPhase.AFTER_SUCCESS) ConsentChange change) {
        if (deid.store().isEmpty()) {
            return;
        }
        DerivativeStore store = deid.store().get();
        try {
            switch (change) {
                case ConsentChange.ConsentWithdrawn w -> store.cache().invalidateStudy(w.studyUid());
                case ConsentChange.ShareRevoked r ->
                        store.cache().invalidateShare(r.studyUid(), Requirement.Deidentified.SHARE_CONTEXT_PREFIX + r.shareId());
                case ConsentChange.ConsentRecorded r -> {
                    // Nothing was derived under a consent that did not exist.
                }
                case ConsentChange.ShareRecorded r -> {
                    // Nothing was derived under a share that did not exist.
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("the derivatives could not be dropped after a %s (%s); access is refused all the same",
                    change.getClass().getSimpleName(), Failures.describe(e));
        }
    }
}
