package org.veil.dicomweb;

/** A caller outside treatment asked for images, and this server has no de-identification secret (503). */
public class DeidentificationUnavailableException extends Exception {
    public DeidentificationUnavailableException() {
        super("de-identified access is not configured on this server");
    }
}
