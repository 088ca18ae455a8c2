package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.veil.TempTree;
import org.veil.index.EmbeddedDatabase;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The storage contract on S3, against a real S3 API server (s3proxy), with the publication
 * journal in a real PostgreSQL migrated by Veil's own Flyway scripts; and what only a shared
 * store must also do: another replica reads what one published, a tampered object is refused,
 * and a starting replica leaves a running one's publication alone.
 */
class S3BlobStoreTest extends BlobStoreContract {
    private static S3ProxyServer s3;
    private static EmbeddedDatabase db;
    private static PGSimpleDataSource ds;
    private static Path dbDir;

    private String bucket;
    private Path caches;

    @BeforeAll
    static void servers() throws Exception {
        s3 = S3ProxyServer.start();
        dbDir = Files.createTempDirectory("veil-s3-db");
        db = EmbeddedDatabase.start(dbDir);
        ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(db.username());
        ds.setPassword(db.password());
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        db.close();
        TempTree.delete(dbDir);
    }

    @BeforeEach
    void bucket() throws Exception {
        bucket = "veil-" + UUID.randomUUID();
        caches = Files.createTempDirectory("veil-s3-cache");
    }

    @AfterEach
    void remove() throws Exception {
        TempTree.delete(caches);
    }

    @Override
    BlobStore store() throws Exception {
        return replica("a", Duration.ZERO);
    }

    private S3BlobStore replica(String name, Duration grace) throws IOException {
        S3Client client = s3.client();
        if (client.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return new S3BlobStore(client, bucket, "veil/", caches.resolve(name), 64L << 20, new SharedJournal(ds, grace));
    }

    @Test
    void anotherReplicaReadsWhatOnePublished() throws Exception {
        byte[] content = bytes(200_000);
        String key = publish(replica("a", Duration.ZERO), content);
        assertThat(replica("b", Duration.ZERO).readAll(key)).isEqualTo(content);
        // The object sits in the bucket under the prefix, spread by its first two hex digits.
        assertThat(s3.client().listObjectsV2(l -> l.bucket(bucket)).contents()).extracting(o -> o.key())
                .containsExactly("veil/" + key.substring(0, 2) + "/" + key);
    }

    @Test
    void anObjectChangedInTheBucketIsRefusedNotServed() throws Exception {
        String key = publish(replica("a", Duration.ZERO), bytes(10_000));
        s3.client().putObject(p -> p.bucket(bucket).key("veil/" + key.substring(0, 2) + "/" + key), RequestBody.fromBytes(bytes(10_000)));
        S3BlobStore fresh = replica("b", Duration.ZERO);
        assertThatThrownBy(() -> fresh.open(key)).isInstanceOf(IOException.class).hasMessageContaining("other content");
        try (var cached = Files.walk(caches.resolve("b").resolve("objects"))) {
            assertThat(cached.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aStartingReplicaLeavesARunningPublicationAlone() throws Exception {
        S3BlobStore running = replica("a", Duration.ofMinutes(15));
        StagedBlob blob = staged(running, bytes(3000));
        String key = BlobStore.keyOf(blob);
        try (BlobStore.Journal journal = running.begin(List.of(key))) {
            running.publish(List.of(blob));
            // Another replica starts while this request has published but not yet committed.
            assertThat(replica("b", Duration.ofMinutes(15)).recover(k -> false)).isZero();
            assertThat(running.readAll(key)).hasSize(3000);
        }
    }

    @Test
    void theCacheStaysWithinItsSize() throws Exception {
        S3BlobStore small = new S3BlobStore(s3.client(), createdBucket(), "", caches.resolve("small"), 1_000_000,
                new SharedJournal(ds, Duration.ZERO));
        for (int i = 0; i < 8; i++) {
            byte[] content = bytes(300_000);
            String key = publish(small, content);
            assertThat(small.readAll(key)).isEqualTo(content);
        }
        long cached;
        try (var files = Files.walk(caches.resolve("small").resolve("objects"))) {
            cached = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(cached).isLessThanOrEqualTo(1_000_000);
    }

    private String createdBucket() {
        s3.client().createBucket(b -> b.bucket(bucket));
        return bucket;
    }
}
