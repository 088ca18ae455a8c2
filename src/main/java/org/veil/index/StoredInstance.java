package org.veil.index;

import java.util.Map;
import org.veil.dicom.FrameIndex;

/** What retrieval needs of one instance, without its metadata text: only that text's length in bytes. */
public record StoredInstance(long id, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                             String transferSyntaxUid, String storageKey, long sizeBytes, long datasetOffset,
                             String frames, String bulkData, long metadataBytes) {

    public FrameIndex frameIndex() {
        return FrameIndex.decode(frames);
    }

    public Map<String, FrameIndex.Range> bulkDataIndex() {
        return BulkDataIndex.decode(bulkData);
    }
}
