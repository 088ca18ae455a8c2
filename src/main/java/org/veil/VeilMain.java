package org.veil;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.logging.Logger;
import org.veil.index.EmbeddedDatabase;

/**
 * Starts Veil, or with the first argument {@code deid} runs the offline de-identification export
 * ({@link org.veil.deid.DeidCommand}). Without a configured database (VEIL_DB_URL or the Quarkus datasource URL) it
 * first starts an embedded PostgreSQL under the data directory, because the datasource must
 * know its URL before Quarkus starts.
 */
@QuarkusMain
public class VeilMain {
    private static final Logger LOG = Logger.getLogger(VeilMain.class);

    public static void main(String... args) throws Exception {
        if (args.length > 0 && args[0].equals("deid")) {
            // The offline export needs no server, database or identity provider.
            System.exit(new org.veil.deid.DeidCommand(System.out, System.err)
                    .run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        if (setting("VEIL_DB_URL", "veil.db.url") == null
                && setting("QUARKUS_DATASOURCE_JDBC_URL", "quarkus.datasource.jdbc.url") == null) {
            String dataDir = setting("VEIL_DATA_DIR", "veil.data-dir");
            Path pgData = Path.of(dataDir == null ? "data" : dataDir, "postgres").toAbsolutePath();
            EmbeddedDatabase db = EmbeddedDatabase.start(pgData);
            LOG.infof("embedded PostgreSQL started on %s", db.jdbcUrl());
            System.setProperty("quarkus.datasource.jdbc.url", db.jdbcUrl());
            System.setProperty("quarkus.datasource.username", db.username());
            System.setProperty("quarkus.datasource.password", db.password());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    db.close();
                } catch (Exception e) {
                    LOG.warn("embedded PostgreSQL did not stop cleanly", e);
                }
            }, "embedded-postgres-stop"));
        }
        Quarkus.run(args);
    }

    /** Read before configuration exists: an environment variable (or its *_FILE), else a system property. */
    private static String setting(String env, String property) {
        String v = System.getenv(env);
        if ((v == null || v.isBlank()) && System.getenv(env + "_FILE") != null) {
            v = SecretFilesConfigSource.read(Map.of(env + "_FILE", System.getenv(env + "_FILE"))).get(env);
        }
        if (v == null || v.isBlank()) {
            v = System.getProperty(property);
        }
        return v == null || v.isBlank() ? null : v;
    }
}
