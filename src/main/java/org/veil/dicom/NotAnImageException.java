package org.veil.dicom;

/** The instance has no pixel data, so there is nothing to render. */
public class NotAnImageException extends Exception {
    public NotAnImageException() {
        super("the instance has no pixel data to render");
    }
}
