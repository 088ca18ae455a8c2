package org.veil.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.veil.TempTree;

/** The storage contract on the file backend. */
class FileBlobStoreTest extends BlobStoreContract {
    private Path root;

    @BeforeEach
    void root() throws Exception {
        root = Files.createTempDirectory("veil-files");
    }

    @AfterEach
    void remove() throws Exception {
        TempTree.delete(root);
    }

    @Override
    BlobStore store() throws Exception {
        return new FileBlobStore(root);
    }
}
