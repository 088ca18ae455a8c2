package org.veil.dicomweb;

/**
 * A well-formed request whose answer would take more work than one request is given (413, with
 * the reason and what to ask for instead): the server refuses it before the answer starts.
 */
public class RequestTooLargeException extends InvalidRequestException {
    public RequestTooLargeException(String reason) {
        super(reason);
    }
}
