package org.veil.index;

import java.util.List;

/**
 * One page of QIDO-RS results as DICOM JSON objects, how many more match (counted up to
 * {@link QidoSearch#COUNT_BOUND}; {@code moreThanRemaining} when there are more than that), and
 * the original StudyInstanceUIDs behind the page (for the audit trail; never sent to a
 * de-identified caller).
 */
public record QidoResult(List<String> objects, long remaining, boolean moreThanRemaining, List<String> originalStudies) {
}
