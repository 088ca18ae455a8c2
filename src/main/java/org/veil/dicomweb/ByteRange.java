package org.veil.dicomweb;

import java.util.Optional;

/**
 * One byte range of a {@code Range} header (RFC 9110 14.1.2): {@code bytes=first-last},
 * {@code bytes=first-} or {@code bytes=-suffix}. A header Veil does not serve (another unit,
 * several ranges, a malformed one) is ignored and the whole is sent, as RFC 9110 14.2 allows.
 */
record ByteRange(Long first, Long last, Long suffix) {

    static Optional<ByteRange> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
            return Optional.empty();
        }
        String spec = h.substring(6).strip();
        try {
            if (spec.startsWith("-")) {
                long suffix = Long.parseLong(spec.substring(1));
                return suffix < 0 ? Optional.empty() : Optional.of(new ByteRange(null, null, suffix));
            }
            int dash = spec.indexOf('-');
            if (dash <= 0) {
                return Optional.empty();
            }
            long first = Long.parseLong(spec.substring(0, dash));
            Long last = dash == spec.length() - 1 ? null : Long.parseLong(spec.substring(dash + 1));
            if (first < 0 || (last != null && last < first)) {
                return Optional.empty();
            }
            return Optional.of(new ByteRange(first, last, null));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** [start, end) within a whole of {@code total} bytes; 416 when no byte of it is there. */
    long[] within(long total) throws RangeNotSatisfiableException {
        if (suffix != null) {
            if (suffix == 0 || total == 0) {
                throw new RangeNotSatisfiableException(total);
            }
            return new long[] {Math.max(0, total - suffix), total};
        }
        if (first >= total) {
            throw new RangeNotSatisfiableException(total);
        }
        // A last position at or beyond the end means the end (RFC 9110 14.1.1), without last + 1 overflowing.
        return new long[] {first, last == null || last >= total - 1 ? total : last + 1};
    }
}
