package org.veil.dicomweb;

import java.util.ArrayList;
import java.util.List;
import org.veil.dicom.FrameIndex;
import org.veil.dicom.RangeCopier;
import org.veil.dicom.TransferSyntax;
import org.veil.index.StoredInstance;

/**
 * What reading deflated data sets (1.2.840.10008.1.2.1.99) may cost one request, judged from the
 * index before the answer starts: a deflated data set is inflated from its start to the last byte
 * read, and a small file may inflate to max-inflated-bytes (docs/conformance.md, "Deflated instances").
 */
final class DeflatedReads {
    private final long perRequest;
    private final long perInstance;

    DeflatedReads(DicomWebConfig config) {
        this.perRequest = config.maxInflatedBytesPerRequest();
        this.perInstance = config.maxInflatedBytes();
    }

    static boolean isDeflated(StoredInstance i) {
        return TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid().equals(i.transferSyntaxUid());
    }

    /**
     * Frames in file order inflate the data set once, in any other order up to once each: refused
     * beyond twice (400), and beyond the per-request bound (413), which an instance allowed to
     * inflate to more than half of it could otherwise pass.
     */
    void requireForward(StoredInstance i, List<FrameIndex.Range> ranges) throws InvalidRequestException {
        long end = ranges.stream().mapToLong(r -> r.offset() + r.length()).max().orElse(i.datasetOffset());
        long cost = RangeCopier.inflatedCost(i.datasetOffset(), ranges);
        if (cost > 2 * (end - i.datasetOffset())) {
            throw new InvalidRequestException("frames of a deflated instance are read from its start:"
                    + " ask for them in ascending order");
        }
        if (cost > perRequest) {
            throw new RequestTooLargeException("these frames of a deflated instance would inflate " + cost
                    + " bytes, more than one request inflates (" + perRequest + "): ask for fewer frames at a time");
        }
    }

    /** What reads an instance's indexes when its listed row left them unread. */
    interface Indexes {
        StoredInstance of(StoredInstance listed) throws java.sql.SQLException;
    }

    /**
     * Every bulk data value of these instances, each deflated one inflated up to its last value:
     * refused (413) as soon as the sum passes the per-request bound, each index being read by
     * {@code indexes} and let go once weighed, so that a study of many deflated instances is not
     * held with all their indexes.
     */
    void requireBulkData(List<StoredInstance> found, Indexes indexes) throws RequestTooLargeException, java.sql.SQLException {
        long inflated = 0;
        for (StoredInstance listed : found) {
            if (isDeflated(listed)) {
                List<FrameIndex.Range> values = new ArrayList<>(indexes.of(listed).bulkDataIndex().values());
                values.sort(java.util.Comparator.comparingLong(FrameIndex.Range::offset));
                inflated += RangeCopier.inflatedCost(listed.datasetOffset(), values);
                if (inflated > perRequest) {
                    throw new RequestTooLargeException("the bulk data asked for is in deflated instances that would inflate to"
                            + " more than one request inflates (" + perRequest + " bytes): ask for each instance's bulk data");
                }
            }
        }
    }

    /**
     * How many deflated instances one request may write in Explicit VR Little Endian: each is
     * inflated whole {@code passes} times (its header read, then its values written; named, its
     * header read once more before the answer, to know it can be), which the index bounds only by
     * max-inflated-bytes, so as many as the per-request bound holds at that cost (at least one:
     * one instance at a time is always served).
     */
    long rewritesAllowed(int passes) {
        return Math.max(1, perRequest / Math.max(1, perInstance) / passes);
    }

    /** Explicit VR Little Endian named: 413 when more deflated instances would be rewritten than one request may. */
    void requireRewrites(List<StoredInstance> found, int passes) throws RequestTooLargeException {
        long deflated = found.stream().filter(DeflatedReads::isDeflated).count();
        long allowed = rewritesAllowed(passes);
        if (deflated > allowed) {
            throw new RequestTooLargeException(deflated + " deflated instances would each be inflated to write them in Explicit VR"
                    + " Little Endian, more than one request inflates (" + allowed + "): ask for them in their stored syntax"
                    + " (transfer-syntax=*) or one instance at a time");
        }
    }
}
