package org.veil.dicomweb;

/** A Range that starts beyond what it ranges over (RFC 9110 15.5.17: 416, with the whole's length). */
public class RangeNotSatisfiableException extends Exception {
    private final long total;

    RangeNotSatisfiableException(long total) {
        super("the range starts beyond the " + total + " bytes there are");
        this.total = total;
    }

    public long total() {
        return total;
    }
}
