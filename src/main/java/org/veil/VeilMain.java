package org.veil;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.logging.Logger;
import org.veil.index.EmbeddedDatabase;

/**
 * Starts Veil, or with the first argument {@code deid} runs the offline de-identification export
 * ({@link org.veil.derivatives.DeidCommand}). Without a configured database (VEIL_DB_URL or the Quarkus datasource URL) it
 * first starts an embedded PostgreSQL under the data directory, because the datasource must
 * know its URL before Quarkus starts; the native executable has no embedded database and
 * refuses to start without one.
 */
@QuarkusMain
public class VeilMain {
    private static final Logger LOG = Logger.getLogger(VeilMain.class);

    public static void main(String... args) throws Exception {
        if (isNativeExecutable()) {
            loadHeadlessAwt();
        }
        if (args.length > 0 && args[0].equals("deid")) {
            // The offline export needs no server, database or identity provider.
            System.exit(new org.veil.derivatives.DeidCommand(System.out, System.err)
                    .run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        if (setting("VEIL_DB_URL", "veil.db.url") == null
                && setting("QUARKUS_DATASOURCE_JDBC_URL", "quarkus.datasource.jdbc.url") == null) {
            if (isNativeExecutable()) {
                // The embedded server unpacks PostgreSQL binaries from a jar; the native executable has none.
                System.err.println("Veil's native executable needs an external PostgreSQL: set VEIL_DB_URL "
                        + "(and VEIL_DB_USER, VEIL_DB_PASSWORD), see docs/configuration.md");
                System.exit(2);
            }
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
        // Veil checks request URIs itself, with a JSON reason, and accepts raw "unwise"
        // characters in queries (dicomweb.RequestUris); Quarkus's own check would answer an empty 400.
        if (System.getProperty("vertx.disableURIValidation") == null) {
            System.setProperty("vertx.disableURIValidation", "true");
        }
        Quarkus.run(args);
    }

    /**
     * The native executable loads AWT from the shared libraries built beside it. libawt opens its
     * headless half itself unless the image says it is statically linked; the toolchain assembled
     * on the development machines says so (docs/deployment.md), and then rendering and blackout
     * fail with UnsatisfiedLinkError. Loading the headless library first makes its methods known
     * either way; where libawt opens it too, this changes nothing.
     */
    private static void loadHeadlessAwt() {
        Path beside = Path.of(ProcessHandle.current().info().command().orElse("veil")).toAbsolutePath()
                .resolveSibling("libawt_headless.so");
        if (java.nio.file.Files.isRegularFile(beside)) {
            System.load(beside.toString());
        }
    }

    /** Set by GraalVM's native image in the executable it builds, and absent on a JVM. */
    private static boolean isNativeExecutable() {
        return "runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"));
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
