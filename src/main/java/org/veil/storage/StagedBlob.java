package org.veil.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A blob being received: written to a temporary file while its SHA-256 is computed. The content
 * hash becomes its storage key, so identical re-stores land on the same object and different
 * content can never overwrite it.
 */
public final class StagedBlob implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final MessageDigest digest;
    private final OutputStream out;
    private long size;
    private String sha256;

    StagedBlob(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
        OutputStream raw = Channels.newOutputStream(channel);
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                digest.update(b, off, len);
                raw.write(b, off, len);
                size += len;
            }
        };
    }

    /** Where the content goes while it arrives. */
    public OutputStream output() {
        return out;
    }

    /**
     * Ends the content, fixes its hash and closes the file: a request of thousands of parts must
     * not hold a descriptor for each. {@link #sync} makes it durable later.
     */
    public void seal() throws IOException {
        if (sha256 == null) {
            sha256 = HexFormat.of().formatHex(digest.digest());
        }
        channel.close();
    }

    /** Flushes the content to stable storage (fsync); the store calls this before publishing. */
    void sync() throws IOException {
        // fsync through a new descriptor flushes the file's pages all the same (POSIX fsync is per file).
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    public Path file() {
        return file;
    }

    public long size() {
        return size;
    }

    public String sha256() {
        if (sha256 == null) {
            throw new IllegalStateException("blob not sealed");
        }
        return sha256;
    }

    /** Removes the temporary file unless it has been moved into the store. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.close();
        }
        Files.deleteIfExists(file);
    }
}
