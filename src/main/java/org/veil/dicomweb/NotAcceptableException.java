package org.veil.dicomweb;

/** No representation the client accepts can be produced without transcoding (406). */
public class NotAcceptableException extends Exception {
    public NotAcceptableException(String reason) {
        super(reason);
    }
}
