package org.veil.dicom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The JSON factory for reading back the DICOM JSON Veil stored: its bounds are those of the
 * values an instance may hold, not Jackson's defaults (numbers of 1,000 digits, strings of 20
 * million characters), so that what STOW accepted never fails a later answer. The writer keeps
 * numbers short ({@link DicomJsonWriter}); rows stored before it did may still hold long ones.
 */
public final class StoredJson {
    /** A value of at most 16 MiB, written as JSON, escapes included (six characters a byte at most). */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private StoredJson() {
    }
}
