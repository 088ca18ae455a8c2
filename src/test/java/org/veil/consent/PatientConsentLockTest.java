package org.veil.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The study table's trigger (patient consents cover studies stored later) must not take a lock
 * per patient: a transaction storing the studies of many patients held one advisory lock each,
 * until PostgreSQL's lock table (max_locks_per_transaction x max_connections slots) ran out and
 * the transaction failed with "out of shared memory" (found by the benchmark's insert of a large
 * index in one statement). 20,000 patients in one transaction is well past the default table.
 */
@QuarkusTest
class PatientConsentLockTest {
    private static final int PATIENTS = 20_000;

    @Inject
    AgroalDataSource db;

    @Test
    void oneTransactionStoresTheStudiesOfManyPatientsHoldingOneLock() throws Exception {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("""
                        INSERT INTO study (study_instance_uid, patient_name, patient_name_norm, patient_id, study_date,
                            study_time, accession_number, study_description, modalities_in_study, number_of_series,
                            number_of_instances, attributes)
                        SELECT '2.25.9393' || g, 'Lock^Patient' || g, 'LOCK PATIENT' || g, 'LOCK' || g, '20240101', '120000',
                            'L' || g, 'LOCK TEST', ARRAY['CT'], 1, 1, '{}'
                        FROM generate_series(1, %d) g""".formatted(PATIENTS));
                try (ResultSet rs = s.executeQuery("""
                        SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()""")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("advisory locks this transaction holds").isEqualTo(1);
                }
            } finally {
                // Nothing of this stays for the other tests.
                c.rollback();
            }
        }
    }
}
