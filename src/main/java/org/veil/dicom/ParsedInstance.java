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

    /**
     * The fragments of the instance's encapsulated Pixel Data, held (with a range of the frame
     * index for each) until the instance is indexed: eight bytes on the wire for an empty one, some
     * hundred bytes of heap. None for native pixel data, whose frame index is one run.
     */
    public long pixelDataFragments() {
        return dataset.get(Tag.PixelData).filter(Element::isEncapsulated).map(e -> (long) e.fragments().size()).orElse(0L);
    }

    /**
     * The elements and sequence items the parsed data set holds, at any depth (the reader bounds
     * the depth): each is some 60 to 100 bytes of heap until the instance is indexed, however few
     * characters of JSON it makes (an empty item makes three).
     */
    public long heldNodes() {
        return nodes(dataset);
    }

    private static long nodes(Dataset d) {
        long n = 0;
        for (Element e : d) {
            n++;
            if (e.isSequence()) {
                for (Dataset item : e.items()) {
                    n += 1 + nodes(item);
                }
            }
        }
        return n;
    }
}
