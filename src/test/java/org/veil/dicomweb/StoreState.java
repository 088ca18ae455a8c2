package org.veil.dicomweb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.stream.Stream;
import org.veil.EmbeddedPostgresResource;

/** What a failed request must leave unchanged: index rows, published objects, staged files. */
record StoreState(long studies, long series, long instances, long objects, long staged, long journals) {

    static StoreState of(IndexReset index) throws SQLException, IOException {
        Path storageRoot = EmbeddedPostgresResource.storageRoot();
        return new StoreState(index.count("study"), index.count("series"), index.count("instance"),
                files(storageRoot.resolve("objects")), files(storageRoot.resolve("tmp")), files(storageRoot.resolve("journal")));
    }

    private static long files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}
