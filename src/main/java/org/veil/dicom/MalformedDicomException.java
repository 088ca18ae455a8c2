package org.veil.dicom;

/** The bytes are not a DICOM object Veil can read. The message names the fault, never a value. */
public class MalformedDicomException extends Exception {
    public MalformedDicomException(String reason) {
        super(reason);
    }
}
