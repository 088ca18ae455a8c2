package org.veil.dicomweb;

/** A request whose path or parameters are malformed (400). */
public class InvalidRequestException extends Exception {
    public InvalidRequestException(String reason) {
        super(reason);
    }
}
