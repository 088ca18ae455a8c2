package org.veil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.TempTree;
import org.veil.VeilProcess;
import org.veil.index.EmbeddedDatabase;

/**
 * The chart's migration step (its init container, or its hook Job): the packaged server with
 * QUARKUS_INIT_AND_EXIT migrates an empty database and exits 0; a server told not to migrate then
 * starts on that schema and is ready. The step reaches nothing but the database.
 */
class MigrationInitIT {

    @Test
    void theInitStepMigratesAndExitsThenTheServerStartsWithoutMigrating() throws Exception {
        Path dir = Files.createTempDirectory("veil-migrate");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("postgres"))) {
            // The step needs the database only: the chart's hook Job runs without the release's
            // service account (so without IRSA's credentials), and here object storage that cannot
            // be reached at all (nothing listens on port 9) must not stop it.
            assertThat(VeilProcess.runToExit(db, Map.of("QUARKUS_INIT_AND_EXIT", "true", "QUARKUS_FLYWAY_MIGRATE_AT_START", "true",
                    "VEIL_STORAGE_BACKEND", "s3", "VEIL_STORAGE_S3_ENDPOINT", "http://127.0.0.1:9", "VEIL_STORAGE_S3_BUCKET", "unreachable",
                    "VEIL_STORAGE_S3_REGION", "us-east-1", "VEIL_STORAGE_S3_ACCESS_KEY_ID", "none", "VEIL_STORAGE_S3_SECRET_ACCESS_KEY", "none")))
                    .isZero();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(migrations());
            }
            try (VeilProcess veil = VeilProcess.replica(db, Map.of("QUARKUS_FLYWAY_MIGRATE_AT_START", "false"))) {
                assertThat(veil.isRunning()).isTrue();
            }
        } finally {
            TempTree.delete(dir);
        }
    }

    private static int migrations() throws Exception {
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return (int) files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
    }
}
