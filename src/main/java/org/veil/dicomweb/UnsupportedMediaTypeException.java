package org.veil.dicomweb;

/** A STOW-RS body of a media type Veil does not store (415). */
public class UnsupportedMediaTypeException extends Exception {
    public UnsupportedMediaTypeException(String reason) {
        super(reason);
    }
}
