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

    /** Most parts in one STOW-RS request. */
    @WithDefault("10000")
    int maxParts();

    /** Most bytes a deflated data set (1.2.840.10008.1.2.1.99) may inflate to. */
    @WithDefault("268435456")
    long maxInflatedBytes();

    /**
     * Most bytes one request may inflate, over all the deflated data sets whose frames or bulk
     * data it reads (the bulk data of a study of deflated instances: each up to max-inflated-bytes).
     */
    @WithDefault("1073741824")
    long maxInflatedBytesPerRequest();

    /** Most data elements, at any depth, in one stored instance. */
    @WithDefault("1000000")
    int maxElements();

    /** Most fragments of encapsulated pixel data, and most frames, in one stored instance. */
    @WithDefault("1000000")
    int maxFragments();

    /**
     * Most characters of metadata JSON (the instance's, and its study and series attributes) all
     * the parts of one STOW-RS request may make together: they are held until the request's
     * instances are indexed at once.
     */
    @WithDefault("268435456")
    long maxRequestMetadataChars();

    /**
     * Most instances one WADO-RS retrieval of a study or series may reach (instances, metadata,
     * bulk data, rendered): their rows are listed before the answer starts, a few hundred bytes
     * each and their listed indexes. Beyond it, 413 asking for the study series by series.
     */
    @WithDefault("100000")
    int maxInstancesPerRetrieval();

    /**
     * Most characters of metadata (its DICOM JSON, bulk data aside) one stored instance may have;
     * beyond it the instance is refused (STOW-RS Failure Reason A700). Real instances come near
     * the default: a structure set's Contour Data is decimal text, written inline, and runs to
     * tens of megabytes. What an instance's metadata costs each later answer is bounded there
     * ({@link #maxMetadataAnswerBytes}, {@link #maxConvertedMetadataBytes}).
     */
    @WithDefault("134217728")
    int maxInstanceMetadataChars();

    /**
     * Most bytes of stored metadata (JSON) one WADO-RS metadata answer streams: 413 beyond it,
     * asking for the study series by series. A 10,000-instance CT study has about 80 MB.
     */
    @WithDefault("268435456")
    long maxMetadataAnswerBytes();

    /**
     * Most bytes of stored metadata (JSON) one answer may convert or parse: an XML metadata answer
     * converts each instance's (about 7 MB of XML a second, against 150 MB of JSON streamed), a
     * rendered answer parses the header of each instance it renders. 413 beyond it.
     */
    @WithDefault("67108864")
    long maxConvertedMetadataBytes();

    /** Most frames one frames or rendered request may name. */
    @WithDefault("256")
    int maxFramesPerRequest();

    /** Most pixels of rendered output one request may ask for, over all its images. */
    @WithDefault("67108864")
    long maxRenderedPixels();

    /** Most bytes of decoded pixel data one instance may take to render. */
    @WithDefault("268435456")
    long maxRenderDecodedBytes();

    /**
     * Most bytes of decoded pixel data all answers may hold at once while they stream (frames and
     * Pixel Data decoded to octet-stream, instances decoded to Explicit VR Little Endian); an
     * answer that finds no room is 503 at once, or by default is sent as stored (DecodedAnswers).
     */
    @WithDefault("536870912")
    long maxDecodedBytesStreaming();

    /**
     * Most studies whose de-identified views one search builds before it answers. A search builds the
     * views it finds missing so that its pages and counts are exact; after a change of profile or
     * secret, or with teaching without consent, that can be every study of the archive. Beyond this,
     * the search builds this many, answers 200 without the others and a Warning that counts them,
     * and the next search goes on.
     */
    @WithDefault("100")
    int maxViewsBuiltPerSearch();

    /**
     * Most bytes of the objects one QIDO-RS answer holds: with {@code includefield=all} each
     * instance brings all its metadata, which may be megabytes. Beyond it, 413 naming the bound.
     */
    @WithDefault("33554432")
    long maxQueryResponseBytes();

    /**
     * Longest a QIDO-RS search may run in PostgreSQL (its page, and the count of further matches):
     * a leading wildcard or a fuzzy name cannot use the name indexes. Beyond it, 413 (too broad).
     */
    @WithDefault("10s")
    java.time.Duration queryTimeout();

    /**
     * The slowest a STOW-RS body may arrive, in bytes a second over the time spent waiting for it,
     * checked over each window of {@link #uploadGrace()}; slower is 408 and nothing is stored.
     */
    @WithDefault("16384")
    long minUploadBytesPerSecond();

    /** The window of waiting over which a STOW-RS body's rate is checked, window after window. */
    @WithDefault("60s")
    java.time.Duration uploadGrace();

    /**
     * The slowest a client may take a WADO-RS answer, in bytes a second over each
     * {@link #downloadGrace()} of time spent waiting for it to take more; slower, its connection
     * is reset (the answer has started: no status can be sent), and the worker thread and what
     * the answer holds go free.
     */
    @WithDefault("16384")
    long minDownloadBytesPerSecond();

    /** The window of waiting over which a WADO-RS answer's pace is checked, window after window. */
    @WithDefault("60s")
    java.time.Duration downloadGrace();

    /** QIDO-RS page size when the request gives no limit. */
    @WithDefault("100")
    int defaultQueryLimit();

    /**
     * QIDO-RS searches running in the database at once, per replica; a few more wait up to five
     * seconds, and beyond those a search is 503 with Retry-After. A quarter of the database pool
     * by default, so that searches built to run their whole query timeout leave connections to
     * every other request.
     */
    @WithDefault("8")
    int maxConcurrentSearches();

    /** Largest QIDO-RS page. */
    @WithDefault("1000")
    int maxQueryLimit();

    /**
     * The bounds a stored instance is read within, at STOW and again when it is rewritten for
     * retrieval: one set, so that what was stored reads again.
     */
    default org.veil.dicom.DicomReader.Limits readerLimits() {
        return new org.veil.dicom.DicomReader.Limits(inlineBinaryLimit(), maxValueBytes(),
                Math.max(64L * 1024 * 1024, maxValueBytes() * 4L), maxElements(), maxFragments(), maxInflatedBytes());
    }

    /**
     * The same bounds for the de-identified views, which read each derivative as STOW read its
     * original (derivatives takes them as a bean: it does not depend on dicomweb).
     */
    @jakarta.enterprise.context.ApplicationScoped
    class ReaderLimits {
        @jakarta.enterprise.inject.Produces
        @jakarta.inject.Singleton
        org.veil.dicom.DicomReader.Limits limits(DicomWebConfig config) {
            return config.readerLimits();
        }
    }
}
