package org.veil.index;

import java.util.Map;
import org.veil.dicom.FrameIndex;

/** What retrieval needs of one instance, without its metadata text: only that text's length in bytes. */
public record StoredInstance(long id, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                             String transferSyntaxUid, String storageKey, long sizeBytes, long datasetOffset,
                             String frames, String bulkData, long metadataBytes) {

    /**
     * Stands for an index too long to read with a list of instances ({@link InstanceRepository#find}):
     * read with {@link InstanceRepository#withIndexes} where it is used. No encoded index holds it.
     */
    static final String DEFERRED = "@";

    /** Whether the frame or bulk data index was left unread (longer than a list reads). */
    public boolean indexesDeferred() {
        return DEFERRED.equals(frames) || DEFERRED.equals(bulkData);
    }

    /** Whether the instance has top-level Pixel Data: its frame index is empty otherwise, and is not decoded to say so. */
    public boolean hasPixelData() {
        return frames != null && !frames.isEmpty();
    }

    public FrameIndex frameIndex() {
        requireRead(frames);
        return FrameIndex.decode(frames);
    }

    public Map<String, FrameIndex.Range> bulkDataIndex() {
        requireRead(bulkData);
        return BulkDataIndex.decode(bulkData);
    }

    private static void requireRead(String index) {
        if (DEFERRED.equals(index)) {
            throw new IllegalStateException("the index was not read: InstanceRepository.withIndexes first");
        }
    }
}
