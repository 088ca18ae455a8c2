package org.veil;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.veil.index.EmbeddedDatabase;

/**
 * One real PostgreSQL and one storage directory for the whole test run. Tests reach both from
 * outside Veil, through {@link #dataSource()} and {@link #storageRoot()}, so that the same test
 * runs against Quarkus in the test JVM and against the native executable (make test-native).
 * They are published as system properties because the resource and the tests may live in
 * different class loaders.
 */
@QuarkusTestResource(EmbeddedPostgresResource.class)
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {
    private static final String URL = "veil.test.db.url";
    private static final String USER = "veil.test.db.user";
    private static final String PASSWORD = "veil.test.db.password";
    private static final String STORAGE = "veil.test.storage.root";

    private EmbeddedDatabase db;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("veil-test");
            db = EmbeddedDatabase.start(dir.resolve("postgres"));
            System.setProperty(URL, db.jdbcUrl());
            System.setProperty(USER, db.username());
            System.setProperty(PASSWORD, db.password());
            System.setProperty(STORAGE, dir.resolve("storage").toString());
            return Map.of(
                    "quarkus.datasource.jdbc.url", db.jdbcUrl(),
                    "quarkus.datasource.username", db.username(),
                    "quarkus.datasource.password", db.password(),
                    "veil.storage.root", dir.resolve("storage").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        try {
            if (db != null) {
                db.close();
            }
            if (dir != null) {
                TempTree.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The running test database, connected to directly (Veil's own pool is not reachable from a native executable). */
    public static DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(published(URL));
        ds.setUser(published(USER));
        ds.setPassword(published(PASSWORD));
        return ds;
    }

    /** A new connection to the running test database. */
    public static Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    /** Veil's storage directory in this test run. */
    public static Path storageRoot() {
        return Path.of(published(STORAGE));
    }

    private static String published(String property) {
        String v = System.getProperty(property);
        if (v == null) {
            throw new IllegalStateException("the test database has not started");
        }
        return v;
    }
}
