package org.veil.security;

/**
 * The caller is known but its role or purpose does not allow the operation: answered 403 with a
 * reason naming the rule. Never used for a study the caller may not see; that answers 404 as an
 * unknown study does.
 */
public class AccessRefusedException extends RuntimeException {
    public AccessRefusedException(String rule) {
        super(rule);
    }
}
