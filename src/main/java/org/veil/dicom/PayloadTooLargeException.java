package org.veil.dicom;

/** A part or the whole body is larger than the configured limit (HTTP 413). */
public class PayloadTooLargeException extends MalformedMultipartException {
    public PayloadTooLargeException(String reason) {
        super(reason);
    }
}
