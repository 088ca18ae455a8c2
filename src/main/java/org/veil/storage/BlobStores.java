package org.veil.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import javax.sql.DataSource;

/** The configured backend, one per application. */
@ApplicationScoped
public class BlobStores {

    @Produces
    @ApplicationScoped
    BlobStore blobStore(StorageConfig config, DataSource db) throws IOException {
        return switch (config.backend()) {
            case FILE -> new FileBlobStore(config.root());
            case S3 -> S3BlobStore.open(config.s3(), db);
        };
    }
}
