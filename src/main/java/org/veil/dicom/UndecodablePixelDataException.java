package org.veil.dicom;

/** Pixel data that Veil cannot decode, or cannot clean once decoded. */
public class UndecodablePixelDataException extends Exception {
    public UndecodablePixelDataException(String reason) {
        super(reason);
    }
}
