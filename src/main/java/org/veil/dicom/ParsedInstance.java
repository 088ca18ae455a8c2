package org.veil.dicom;

import java.util.Map;
import java.util.Optional;

/**
 * What Veil keeps of one stored instance besides its bytes: the identifying attributes, the
 * indexed ones, and the precomputed DICOM JSON and frame and bulk data locations.
 */
public record ParsedInstance(
        String sopClassUid, String sopInstanceUid, String studyInstanceUid, String seriesInstanceUid,
        TransferSyntax transferSyntax, long datasetOffset,
        Dataset dataset,
        String metadataJson, String studyJson, String seriesJson,
        Optional<FrameIndex> frames, Map<String, FrameIndex.Range> bulkData) {

    public Optional<String> string(int tag) {
        return dataset.string(tag);
    }

    /** As {@link Dataset#itemStrings}. */
    public java.util.List<String> itemStrings(int sequence, int tag) {
        return dataset.itemStrings(sequence, tag);
    }

    public Optional<Integer> integer(int tag) {
        return dataset.integer(tag);
    }
}
