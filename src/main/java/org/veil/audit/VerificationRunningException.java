package org.veil.audit;

/**
 * A verification of the audit chain asked for while another runs (429). One reads the whole trail
 * and holds a database connection for as long as that takes; several at once would take the pool
 * the audit rows of every other request need, and those requests would then be refused.
 */
public class VerificationRunningException extends RuntimeException {
    public VerificationRunningException() {
        super("a verification of the audit trail is already running on this server; ask again when it is done");
    }
}
