package org.veil.index;

import java.util.List;

/** One page of QIDO-RS results as DICOM JSON objects, and how many more match. */
public record QidoResult(List<String> objects, long remaining) {
}
