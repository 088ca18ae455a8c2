package org.veil.dicom;

/**
 * A Part 10 file as read (PS3.10 7.1): its File Meta Information, its data set and where that
 * data set starts. For the deflated transfer syntax, offsets in {@code dataset} count inflated
 * bytes after the meta information; for every other syntax they are file offsets.
 */
public record DicomFile(Dataset meta, Dataset dataset, TransferSyntax transferSyntax, long datasetOffset) {
}
