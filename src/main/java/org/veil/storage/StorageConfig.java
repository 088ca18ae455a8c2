package org.veil.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where instances and derivatives are kept (docs/configuration.md, docs/deployment.md). */
@ConfigMapping(prefix = "veil.storage")
public interface StorageConfig {
    /** {@code file}: a local or mounted directory; {@code s3}: an S3-compatible object store. */
    @WithDefault("file")
    Backend backend();

    /** Root directory of the file store; holds objects/, tmp/ and journal/. */
    @WithDefault("data/storage")
    Path root();

    S3 s3();

    enum Backend { FILE, S3 }

    interface S3 {
        /** For S3-compatible servers (MinIO, Ceph, s3proxy); absent for AWS itself. */
        Optional<URI> endpoint();

        @WithDefault("us-east-1")
        String region();

        Optional<String> bucket();

        /** Prepended to every object name, so that one bucket can hold several installations. */
        Optional<String> prefix();

        /** Both set: static credentials; both absent: the AWS SDK's default chain (IRSA, instance profile, AWS_* variables). */
        Optional<String> accessKeyId();

        Optional<String> secretAccessKey();

        /** Bucket in the path rather than the host name, as most non-AWS servers want. */
        @WithDefault("false")
        boolean pathStyle();

        /** Creates the bucket at start when it is missing: for demos and tests, not production. */
        @WithDefault("false")
        boolean createBucket();

        /** Local copies of objects being read (frames are read by offset); emptied at start. */
        @WithDefault("data/s3-cache")
        Path cacheDir();

        @WithDefault("2147483648")
        long cacheMaxBytes();

        /**
         * How old a publication's journal entry must be before a starting replica treats it as
         * abandoned: longer than any store request, so that no replica sweeps another's work.
         */
        @WithDefault("PT15M")
        Duration journalGrace();
    }
}
