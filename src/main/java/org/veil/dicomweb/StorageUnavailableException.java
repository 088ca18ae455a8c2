package org.veil.dicomweb;

/**
 * The object store could not keep a request's instances (a full disk, an S3 endpoint that fails):
 * nothing of the request was indexed, and it may be sent again (503).
 */
public class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException() {
        super("the store could not keep the instances; nothing was stored", null, false, false);
    }
}
