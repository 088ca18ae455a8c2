package org.veil.index;

import org.veil.dicom.ParsedInstance;

/** An instance whose file is durable under {@code storageKey}, ready to be indexed. */
public record NewInstance(ParsedInstance parsed, String storageKey, long size, String sha256) {
}
