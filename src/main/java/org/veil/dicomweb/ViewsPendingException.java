package org.veil.dicomweb;

/**
 * A search found more de-identified views missing than one request builds
 * ({@code veil.dicomweb.max-views-built-per-search}): it built that many and answers 503 with
 * Retry-After, so that no request's cost grows with the archive. The count names no study.
 */
public class ViewsPendingException extends Exception {
    public ViewsPendingException(int remaining) {
        super("de-identified views of " + remaining + " more studies are still to be built for this search; try again shortly",
                null, false, false);
    }
}
