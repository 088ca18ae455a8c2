package org.veil.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Local copies of objects held elsewhere. Retrieval reads frames and bulk data by offset, which a
 * file does well and an HTTP stream does not; objects never change under their key (the key is
 * their SHA-256, checked on every download), so a copy is never stale, and no replica needs to
 * tell another anything. Least recently used copies go when the cache passes its size; the whole
 * cache is emptied at start.
 */
final class ObjectCache {
    private static final Logger LOG = Logger.getLogger(ObjectCache.class);

    private final Path objects;
    private final Path tmp;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();

    ObjectCache(Path dir, long maxBytes) throws IOException {
        Path root = dir.toAbsolutePath();
        // Only what this class made: a cache directory pointed at the wrong place loses nothing else.
        deleteTree(root.resolve("objects"));
        deleteTree(root.resolve("tmp"));
        this.objects = Files.createDirectories(root.resolve("objects"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
        this.maxBytes = maxBytes;
    }

    interface Download {
        /** The object's content, or NoSuchFileException when there is none. */
        InputStream open() throws IOException;
    }

    FileChannel open(String key, Download download) throws IOException {
        Path copy = copyOf(key);
        try {
            FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ);
            Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis()));
            return ch;
        } catch (NoSuchFileException notCached) {
            fetch(key, copy, download);
            return FileChannel.open(copy, StandardOpenOption.READ);
        }
    }

    private void fetch(String key, Path copy, Download download) throws IOException {
        Path part = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            long size;
            try (InputStream in = new DigestInputStream(download.open(), sha)) {
                size = Files.copy(in, part);
            }
            if (!HexFormat.of().formatHex(sha.digest()).equals(key)) {
                throw new IOException("object storage returned other content than was stored under this key");
            }
            place(part, copy, size);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** A file just uploaded under its key becomes the local copy: a store is often read back at once. */
    void adopt(String key, Path file) throws IOException {
        place(file, copyOf(key), Files.size(file));
    }

    /** Moves a complete file into place; one already there has the same bytes, and the file goes. */
    private void place(Path file, Path copy, long size) throws IOException {
        Files.createDirectories(copy.getParent());
        try {
            Files.move(file, copy, StandardCopyOption.ATOMIC_MOVE);
            bytes.addAndGet(size);
        } catch (FileAlreadyExistsException alreadyCached) {
            Files.deleteIfExists(file);
        }
        if (bytes.get() > maxBytes) {
            evict();
        }
    }

    private Path copyOf(String key) {
        return objects.resolve(key.substring(0, 2)).resolve(key);
    }

    void forget(String key) throws IOException {
        Path copy = copyOf(key);
        long size = Files.exists(copy) ? Files.size(copy) : 0;
        if (Files.deleteIfExists(copy)) {
            bytes.addAndGet(-size);
        }
    }

    /** Down to nine tenths of the limit, oldest access first. An open copy stays readable on POSIX. */
    private synchronized void evict() throws IOException {
        if (bytes.get() <= maxBytes) {
            return;
        }
        List<Path> copies;
        try (Stream<Path> all = Files.walk(objects)) {
            copies = all.filter(Files::isRegularFile).sorted(Comparator.comparing(ObjectCache::lastModified)).toList();
        } catch (UncheckedIOException goneWhileSorting) {
            return; // a copy was forgotten meanwhile; the next download tries again
        }
        for (Path p : copies) {
            if (bytes.get() <= maxBytes * 9 / 10) {
                break;
            }
            long size = Files.size(p);
            if (Files.deleteIfExists(p)) {
                bytes.addAndGet(-size);
            }
        }
        LOG.debugf("object cache evicted down to %d bytes", bytes.get());
    }

    private static FileTime lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
