package org.veil.security;

/** No usable identity: answered 401 with {@code WWW-Authenticate: Bearer}. */
public class NotAuthenticatedException extends RuntimeException {
    public NotAuthenticatedException(String reason) {
        super(reason);
    }
}
