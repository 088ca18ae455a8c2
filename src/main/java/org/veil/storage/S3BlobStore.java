package org.veil.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.UUID;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Instances and derivatives in an S3-compatible object store, shared by every replica. Staging is
 * local (a request's upload must be complete and hashed before it has a key); a PUT that S3 has
 * answered is durable, so publishing is one PUT per object before the index commits. The journal
 * lives in PostgreSQL ({@link SharedJournal}) and reads go through a local {@link ObjectCache}.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger LOG = Logger.getLogger(S3BlobStore.class);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path staging;
    private final ObjectCache cache;
    private final SharedJournal journal;

    S3BlobStore(S3Client s3, String bucket, String prefix, Path cacheDir, long cacheMaxBytes, SharedJournal journal)
            throws IOException {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.cache = new ObjectCache(cacheDir, cacheMaxBytes);
        // Beside the cache, on the same file system: a published upload moves into it.
        this.staging = Files.createDirectories(cacheDir.toAbsolutePath().resolve("staging"));
        this.journal = journal;
    }

    public static S3BlobStore open(StorageConfig.S3 config, DataSource db) throws IOException {
        String bucket = config.bucket().orElseThrow(() -> new IllegalStateException(
                "veil.storage.backend=s3 needs veil.storage.s3.bucket (VEIL_STORAGE_S3_BUCKET)"));
        S3Client s3 = client(config.endpoint().orElse(null), config.region(), config.pathStyle(), credentials(config));
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            if (!config.createBucket()) {
                throw new IllegalStateException("the S3 bucket named by veil.storage.s3.bucket does not exist");
            }
            s3.createBucket(b -> b.bucket(bucket));
            LOG.info("created the S3 bucket (veil.storage.s3.create-bucket=true)");
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && config.createBucket()) {
                s3.createBucket(b -> b.bucket(bucket));
            } else {
                throw new IllegalStateException("the S3 bucket cannot be reached: HTTP " + e.statusCode(), e);
            }
        } catch (SdkException e) {
            throw new IllegalStateException("the S3 endpoint cannot be reached: " + e.getClass().getSimpleName(), e);
        }
        String prefix = config.prefix().orElse("");
        LOG.infof("instances are stored in S3 bucket %s%s", bucket, prefix.isEmpty() ? "" : " under " + prefix);
        return new S3BlobStore(s3, bucket, prefix, config.cacheDir(), config.cacheMaxBytes(),
                new SharedJournal(db, config.journalGrace()));
    }

    static S3Client client(URI endpoint, String region, boolean pathStyle, AwsCredentialsProvider credentials) {
        S3ClientBuilder b = S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.of(region)).credentialsProvider(credentials).forcePathStyle(pathStyle);
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    private static AwsCredentialsProvider credentials(StorageConfig.S3 config) {
        if (config.accessKeyId().isPresent() != config.secretAccessKey().isPresent()) {
            throw new IllegalStateException("set both veil.storage.s3.access-key-id and veil.storage.s3.secret-access-key, or neither");
        }
        return config.accessKeyId().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(), config.secretAccessKey().get()))
                : DefaultCredentialsProvider.builder().build();
    }

    @Override
    public StagedBlob stage() throws IOException {
        return new StagedBlob(staging.resolve(UUID.randomUUID() + ".part"));
    }

    @Override
    public Journal begin(Collection<String> keys) throws IOException {
        return journal.begin(keys);
    }

    @Override
    public void publish(Collection<StagedBlob> blobs) throws IOException {
        for (StagedBlob blob : blobs) {
            String key = BlobStore.keyOf(blob);
            try {
                s3.putObject(p -> p.bucket(bucket).key(name(key)).contentLength(blob.size()), RequestBody.fromFile(blob.file()));
            } catch (SdkException e) {
                throw new IOException("object storage refused an object: " + e.getClass().getSimpleName(), e);
            }
            cache.adopt(key, blob.file());
        }
    }

    @Override
    public FileChannel open(String key) throws IOException {
        if (!BlobStore.isKey(key)) {
            throw new IllegalArgumentException("not a storage key");
        }
        return cache.open(key, () -> {
            try {
                return s3.getObject(g -> g.bucket(bucket).key(name(key)));
            } catch (NoSuchKeyException e) {
                throw new NoSuchFileException("no object under this key");
            } catch (SdkException e) {
                throw new IOException("object storage cannot be read: " + e.getClass().getSimpleName(), e);
            }
        });
    }

    @Override
    public void delete(String key) throws IOException {
        if (!BlobStore.isKey(key)) {
            throw new IllegalArgumentException("not a storage key");
        }
        try {
            s3.deleteObject(d -> d.bucket(bucket).key(name(key)));
        } catch (SdkException e) {
            throw new IOException("object storage refused a deletion: " + e.getClass().getSimpleName(), e);
        }
        cache.forget(key);
    }

    @Override
    public int recover(Predicate<String> indexed) throws IOException {
        try (var staged = Files.newDirectoryStream(staging)) {
            for (Path p : staged) {
                Files.deleteIfExists(p);
            }
        }
        int removed = journal.sweep(indexed, key -> {
            if (BlobStore.isKey(key)) {
                delete(key);
            }
        });
        if (removed > 0) {
            LOG.infof("recovery removed %d objects of abandoned store requests", removed);
        }
        return removed;
    }

    /** Object names spread over 256 prefixes, as S3 partitions by prefix. */
    private String name(String key) {
        return prefix + key.substring(0, 2) + "/" + key;
    }
}
