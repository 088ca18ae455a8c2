package org.veil.dicomweb;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the DICOMweb services. */
@ConfigMapping(prefix = "veil.dicomweb")
public interface DicomWebConfig {
    /** Largest single STOW-RS part, in bytes. */
    @WithDefault("2147483648")
    long maxPartBytes();

    /** Largest STOW-RS request body, in bytes; keep quarkus.http.limits.max-body-size at least this. */
    @WithDefault("4294967296")
    long maxRequestBytes();

    /** Binary values longer than this appear in metadata as BulkDataURI rather than InlineBinary. */
    @WithDefault("1024")
    int inlineBinaryLimit();

    /** Longest single non-binary value accepted in a stored instance. */
    @WithDefault("16777216")
    int maxValueBytes();

    /** QIDO-RS page size when the request gives no limit. */
    @WithDefault("100")
    int defaultQueryLimit();

    /** Largest QIDO-RS page. */
    @WithDefault("1000")
    int maxQueryLimit();
}
