package org.veil.index;

/**
 * A search whose answer would pass Veil's bounds, in bytes or in the database's time: PS3.18
 * Table 10.6.3-1 answers it with 413 (the search was too broad), and the client narrows it.
 */
public class SearchTooBroadException extends InvalidQueryException {
    public SearchTooBroadException(String reason) {
        super(reason);
    }
}
