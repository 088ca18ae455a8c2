package org.veil.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Collection;
import java.util.function.Predicate;

/**
 * Durable storage of instance files by key. A store request stages blobs, then {@link #publish}
 * makes them durable under their keys inside a {@link Journal}; only after that does the index
 * commit. The journal lets {@link #recover} remove objects whose index commit never happened.
 */
public interface BlobStore {

    StagedBlob stage() throws IOException;

    /** Records the keys about to be published, durably, before any of them is. */
    Journal begin(Collection<String> keys) throws IOException;

    /** Moves staged blobs under their keys and makes the moves durable. */
    void publish(Collection<StagedBlob> blobs) throws IOException;

    FileChannel open(String key) throws IOException;

    void delete(String key) throws IOException;

    /** A whole object in memory: for de-identification, which edits instances whole. */
    default byte[] readAll(String key) throws IOException {
        try (FileChannel ch = open(key)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new IOException("object too large to read into memory");
            }
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until full or at the end
            }
            return buf.array();
        }
    }

    /**
     * Completes what a crash interrupted: drops staged files, and for every journal left behind
     * deletes the objects the index does not know.
     *
     * @return the number of objects removed
     */
    int recover(Predicate<String> indexed) throws IOException;

    /** A publication in progress; closing it marks the request finished. */
    interface Journal extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    static String keyOf(StagedBlob blob) {
        return blob.sha256();
    }

    /** A storage key is a SHA-256 in lower-case hex, and nothing else reaches a path or an object name. */
    static boolean isKey(String key) {
        return key.length() == 64 && key.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
