package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every storage backend promises Veil (BlobStore): content-addressed, durable once published,
 * readable by offset, and recoverable after a crash between publication and index commit. Run
 * against the file backend and against S3 (s3proxy).
 */
abstract class BlobStoreContract {
    private final Random random = new Random(7);

    /** The store under test; the same backing storage each call within a test. */
    abstract BlobStore store() throws Exception;

    StagedBlob staged(BlobStore store, byte[] content) throws IOException {
        StagedBlob blob = store.stage();
        try (OutputStream out = blob.output()) {
            out.write(content);
        }
        blob.seal();
        return blob;
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    String publish(BlobStore store, byte[] content) throws IOException {
        try (StagedBlob blob = staged(store, content); BlobStore.Journal journal = store.begin(List.of(BlobStore.keyOf(blob)))) {
            store.publish(List.of(blob));
            return BlobStore.keyOf(blob);
        }
    }

    /**
     * A STOW of thousands of parts stages a blob for each before any is published: sealed blobs
     * must not hold a file descriptor each (a 20,000-part request once exhausted the process's).
     */
    @Test
    void sealedBlobsHoldNoDescriptorAndStillPublish() throws Exception {
        BlobStore store = store();
        long before = openDescriptors();
        List<StagedBlob> blobs = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3000; i++) {
                blobs.add(staged(store, new byte[] {(byte) i, (byte) (i >>> 8)}));
            }
            assertThat(openDescriptors() - before).as("descriptors held by 3,000 sealed blobs").isLessThan(50);
            StagedBlob first = blobs.get(0);
            try (BlobStore.Journal journal = store.begin(List.of(BlobStore.keyOf(first)))) {
                store.publish(List.of(first));
            }
            assertThat(store.readAll(BlobStore.keyOf(first))).isEqualTo(new byte[] {0, 0});
        } finally {
            for (StagedBlob b : blobs) {
                b.close();
            }
        }
    }

    private static long openDescriptors() throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aPublishedObjectReadsBackWholeAndByOffset() throws Exception {
        BlobStore store = store();
        byte[] content = bytes(3 * 1024 * 1024 + 17);
        String key = publish(store, content);
        assertThat(key).hasSize(64);
        assertThat(store.readAll(key)).isEqualTo(content);
        try (FileChannel ch = store.open(key)) {
            assertThat(ch.size()).isEqualTo(content.length);
            ByteBuffer part = ByteBuffer.allocate(1000);
            ch.read(part, 2_000_000);
            assertThat(part.array()).isEqualTo(java.util.Arrays.copyOfRange(content, 2_000_000, 2_001_000));
        }
    }

    @Test
    void theSameContentTwiceIsOneObjectUnderOneKey() throws Exception {
        BlobStore store = store();
        byte[] content = bytes(4096);
        String first = publish(store, content);
        String second = publish(store, content.clone());
        assertThat(second).isEqualTo(first);
        assertThat(store.readAll(first)).isEqualTo(content);
    }

    @Test
    void aDeletedObjectIsGone() throws Exception {
        BlobStore store = store();
        String key = publish(store, bytes(2048));
        store.delete(key);
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(NoSuchFileException.class);
        store.delete(key); // deleting twice is not an error
    }

    @Test
    void anUnknownKeyIsNoSuchFileAndAKeyThatIsNoHashIsRefused() throws Exception {
        BlobStore store = store();
        assertThatThrownBy(() -> store.open("0".repeat(64))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.open("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete("A".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recoveryRemovesTheUnindexedObjectsOfAnAbandonedPublicationOnly() throws Exception {
        BlobStore store = store();
        String finished = publish(store, bytes(1000));
        byte[] indexedContent = bytes(1000);
        byte[] orphanContent = bytes(1000);
        StagedBlob indexed = staged(store, indexedContent);
        StagedBlob orphan = staged(store, orphanContent);
        // A crash between publication and index commit: the journal is never closed.
        store.begin(List.of(BlobStore.keyOf(indexed), BlobStore.keyOf(orphan)));
        store.publish(List.of(indexed, orphan));
        StagedBlob neverPublished = staged(store, bytes(500));

        int removed = store().recover(key -> key.equals(BlobStore.keyOf(indexed)));

        assertThat(removed).isEqualTo(1);
        assertThat(store().readAll(BlobStore.keyOf(indexed))).isEqualTo(indexedContent);
        assertThatThrownBy(() -> store().open(BlobStore.keyOf(orphan))).isInstanceOf(NoSuchFileException.class);
        assertThat(store().readAll(finished)).hasSize(1000);
        assertThat(java.nio.file.Files.exists(neverPublished.file())).isFalse();
        // Nothing is left to recover.
        assertThat(store().recover(key -> false)).isZero();
    }
}
