package org.veil.derivatives;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.veil.logging.Failures;
import org.veil.policy.Requirement;

/**
 * Drops what was derived under a consent or a share that has run out. A withdrawal or a
 * revocation is an event, and {@link ConsentObserver} drops its derivatives when it commits; an
 * end of validity or an expiry is not, so it is looked for here, at a fixed interval. Access is
 * refused from the moment a grant ends whatever this finds (every request weighs the registry):
 * dropping only keeps de-identified copies no longer than a patient allowed (data minimisation).
 *
 * <p>A context is dropped when the grant it was made under has ended: a study's scope (teaching,
 * research, publication) with consents of that scope on record and none active or to come; a
 * share expired or revoked, or whose study has no consultation consent active or to come. A
 * consent recorded while the sweep runs may see its fresh view dropped once: rebuilt on need.
 */
@ApplicationScoped
public class ExpiredGrants {
    private static final Logger LOG = Logger.getLogger(ExpiredGrants.class);
    /** How often grants are looked at; the first look waits as long, off the start-up. */
    static final long EVERY_SECONDS = 15 * 60;
    /** Contexts dropped per sweep: a bound on one sweep's work; the rest are found by the next. */
    static final int PER_SWEEP = 1_000;

    private final Deidentification deid;
    private final AgroalDataSource db;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "veil-expired-grants");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    public ExpiredGrants(Deidentification deid, AgroalDataSource db) {
        this.deid = deid;
        this.db = db;
    }

    void onStart(@Observes StartupEvent start) {
        if (deid.store().isPresent()) {
            timer.scheduleWithFixedDelay(this::sweepLogged, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        timer.shutdownNow();
    }

    private void sweepLogged() {
        try {
            int dropped = sweep();
            if (dropped > 0) {
                LOG.infof("dropped what was derived in %d contexts whose consent or share has ended", dropped);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("derivatives of ended consents and shares not dropped this time (%s); access is refused all the same",
                    Failures.describe(e));
        }
    }

    /** One look: drops every context whose grant has ended; returns how many. */
    public int sweep() throws IOException {
        if (deid.store().isEmpty()) {
            return 0;
        }
        DerivativeCache cache = deid.store().get().cache();
        int dropped = 0;
        for (String[] ended : ended()) {
            try {
                if (ended[1].startsWith(Requirement.Deidentified.SHARE_CONTEXT_PREFIX)) {
                    cache.invalidateShare(ended[0], ended[1]);
                } else {
                    cache.invalidateStudyContext(ended[0], ended[1]);
                }
                dropped++;
            } catch (IOException | RuntimeException e) {
                // One context that cannot be dropped now does not keep the others: tried again next time.
                LOG.warnf("what was derived in an ended context was not dropped (%s)", Failures.describe(e));
            }
        }
        return dropped;
    }

    /**
     * (study, context) pairs with something derived whose grant has ended, by the database's
     * clock (as every replica's requests: docs/consent-and-policy.md). A consent is live while
     * not withdrawn and before its end (exclusive), including one whose validity starts later.
     */
    private List<String[]> ended() throws IOException {
        String share = "'" + Requirement.Deidentified.SHARE_CONTEXT_PREFIX + "' || s.id::text";
        String sql = """
                WITH live AS (
                    SELECT c.study_instance_uid, scope FROM consent c CROSS JOIN LATERAL unnest(c.scopes) AS scope
                     WHERE (c.valid_until IS NULL OR c.valid_until > now())
                       AND NOT EXISTS (SELECT 1 FROM consent_withdrawal w WHERE w.consent_id = c.id)
                       AND (scope <> 'publication' OR c.method = 'written')),
                ended AS (
                    SELECT c.study_instance_uid, scope FROM consent c CROSS JOIN LATERAL unnest(c.scopes) AS scope
                     WHERE scope IN ('teaching', 'research', 'publication')
                    EXCEPT SELECT study_instance_uid, scope FROM live)
                SELECT e.study_instance_uid, e.scope FROM ended e
                 WHERE EXISTS (SELECT 1 FROM derivative d WHERE d.original_study_uid = e.study_instance_uid AND d.context = e.scope)
                    OR EXISTS (SELECT 1 FROM derived_view v WHERE v.original_study_uid = e.study_instance_uid AND v.context = e.scope)
                UNION ALL
                SELECT s.study_instance_uid, %1$s FROM study_share s
                 WHERE (s.expires_at <= now()
                        OR EXISTS (SELECT 1 FROM share_revocation r WHERE r.share_id = s.id)
                        OR NOT EXISTS (SELECT 1 FROM live l WHERE l.study_instance_uid = s.study_instance_uid AND l.scope = 'consultation'))
                   AND (EXISTS (SELECT 1 FROM derivative d WHERE d.context = %1$s)
                        OR EXISTS (SELECT 1 FROM derived_view v WHERE v.context = %1$s))
                LIMIT %2$d""".formatted(share, PER_SWEEP);
        List<String[]> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        } catch (SQLException e) {
            throw new IOException("ended grants", e);
        }
        return out;
    }
}
