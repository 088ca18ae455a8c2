package org.veil.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Instance files on a local or mounted file system. Layout under the root:
 * {@code objects/ab/cd/<sha256>} for published blobs, {@code tmp/} for blobs being received and
 * {@code journal/} for publications whose index commit has not finished. Durability follows the
 * usual POSIX recipe: fsync the file, rename it into place, fsync the directory.
 */
public class FileBlobStore implements BlobStore {
    private static final Logger LOG = Logger.getLogger(FileBlobStore.class);

    private final Path objects;
    private final Path tmp;
    private final Path journals;
    /** The objects/ab/cd directories whose entries, and their parents', this process has flushed. */
    private final Set<Path> durableDirectories = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public FileBlobStore(Path configuredRoot) throws IOException {
        Path root = configuredRoot.toAbsolutePath();
        this.objects = Files.createDirectories(root.resolve("objects"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
        this.journals = Files.createDirectories(root.resolve("journal"));
    }

    @Override
    public StagedBlob stage() throws IOException {
        return new StagedBlob(tmp.resolve(UUID.randomUUID() + ".part"));
    }

    @Override
    public Journal begin(Collection<String> keys) throws IOException {
        Path journal = journals.resolve(UUID.randomUUID() + ".keys");
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(String.join("\n", keys).getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        syncDirectory(journals);
        return () -> Files.deleteIfExists(journal);
    }

    @Override
    public void publish(Collection<StagedBlob> blobs) throws IOException {
        syncAll(blobs, StagedBlob::sync);
        Set<Path> dirs = new LinkedHashSet<>();
        Set<Path> notYetDurable = new LinkedHashSet<>();
        for (StagedBlob blob : blobs) {
            Path target = pathOf(BlobStore.keyOf(blob));
            Path dir = target.getParent();
            if (!durableDirectories.contains(dir)) {
                // objects/ab/cd is an entry in objects/ab, and objects/ab one in objects: until
                // this process has flushed them once, they are flushed with the file's own
                // directory, whoever created them (another request may have created them and not
                // yet flushed, or a process that stopped before it did).
                dirs.add(objects);
                dirs.add(dir.getParent());
                notYetDurable.add(dir);
                Files.createDirectories(dir);
            }
            try {
                Files.move(blob.file(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(blob.file()); // same hash, same bytes: already stored
            }
            dirs.add(dir);
        }
        syncAll(dirs, FileBlobStore::syncDirectory);
        durableDirectories.addAll(notYetDurable);
    }

    @FunctionalInterface
    private interface Flush<T> {
        void run(T item) throws IOException;
    }

    /**
     * Flushes a request's files, then its directories, together: the device works on several
     * flushes at once, where one after another each waits for the last.
     */
    private static <T> void syncAll(Collection<T> items, Flush<T> flush) throws IOException {
        try {
            items.parallelStream().forEach(item -> {
                try {
                    flush.run(item);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public FileChannel open(String key) throws IOException {
        return FileChannel.open(pathOf(key), StandardOpenOption.READ);
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(pathOf(key));
    }

    @Override
    public int recover(Predicate<String> indexed) throws IOException {
        try (DirectoryStream<Path> staged = Files.newDirectoryStream(tmp)) {
            for (Path p : staged) {
                Files.deleteIfExists(p);
            }
        }
        int removed = 0;
        try (DirectoryStream<Path> pending = Files.newDirectoryStream(journals)) {
            for (Path journal : pending) {
                List<String> keys = Files.readAllLines(journal, StandardCharsets.US_ASCII);
                for (String key : keys) {
                    if (BlobStore.isKey(key) && !indexed.test(key) && Files.deleteIfExists(pathOf(key))) {
                        removed++;
                    }
                }
                Files.delete(journal);
            }
        }
        if (removed > 0) {
            LOG.infof("recovery removed %d objects of interrupted store requests", removed);
        }
        return removed;
    }

    Path pathOf(String key) {
        if (!BlobStore.isKey(key)) {
            throw new IllegalArgumentException("not a storage key");
        }
        return objects.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
