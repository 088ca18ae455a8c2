package org.veil.audit;

/**
 * A search of the audit trail that cannot be answered as sent (400): a bound out of range, an
 * instant that is not ISO 8601. The audit API's own refusal, so that {@code audit} depends on no
 * other API's errors. The reason names the rule, never a value from the request.
 */
public class InvalidAuditQueryException extends RuntimeException {
    public InvalidAuditQueryException(String reason) {
        super(reason);
    }
}
