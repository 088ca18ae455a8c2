package org.veil.dicomweb;

/** The study, series, instance, frame or bulk data does not exist, or is not visible (404). */
public class UnknownResourceException extends Exception {
    public UnknownResourceException(String what) {
        super(what + " not found");
    }
}
