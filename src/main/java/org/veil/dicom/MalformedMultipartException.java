package org.veil.dicom;

/** The body is not well-formed multipart/related (RFC 2046 5.1, RFC 2387). */
public class MalformedMultipartException extends Exception {
    public MalformedMultipartException(String reason) {
        super(reason);
    }
}
