package org.veil.dicom;

/** The File Meta Information names a transfer syntax Veil does not store (PS3.18 failure C122). */
public class UnknownTransferSyntaxException extends MalformedDicomException {
    public UnknownTransferSyntaxException() {
        super("transfer syntax is not supported");
    }
}
