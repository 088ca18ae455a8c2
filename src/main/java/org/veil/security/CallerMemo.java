package org.veil.security;

import java.util.function.Supplier;

/**
 * What {@link CallerClaims} made of one verified token, kept with that token's entry in
 * {@link VerifiedTokens}: the result depends only on the token's claims and the configuration read
 * at start-up, so every request with the same token gets the same caller without reading the
 * claims again. Two requests racing compute the same value; either may win.
 */
final class CallerMemo {
    private volatile CallerClaims.Result result;

    CallerClaims.Result get(Supplier<CallerClaims.Result> read) {
        CallerClaims.Result r = result;
        if (r == null) {
            r = read.get();
            result = r;
        }
        return r;
    }
}
