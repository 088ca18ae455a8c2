package org.veil.index;

/** A QIDO-RS parameter Veil cannot honour (PS3.18 8.3.4: 400 Bad Request). */
public class InvalidQueryException extends Exception {
    public InvalidQueryException(String reason) {
        super(reason);
    }
}
