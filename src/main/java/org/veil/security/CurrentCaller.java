package org.veil.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Base64;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.veil.policy.Caller;

/**
 * The {@link Caller} of the current request, read once from the token quarkus-oidc has already
 * validated (signature, issuer, expiry, audience). Resources and services ask this, never the
 * token.
 */
@RequestScoped
public class CurrentCaller {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SecurityIdentity identity;

    @Inject
    CallerRules rules;

    private Caller caller;

    public Caller get() {
        if (caller == null) {
            caller = read();
        }
        return caller;
    }

    /**
     * The caller for the audit trail, which must record every request, also those whose token
     * names no one Veil can use: such a request is recorded as {@link Caller#unidentified()}.
     */
    public Caller forAudit() {
        try {
            return get();
        } catch (NotAuthenticatedException e) {
            return Caller.unidentified();
        }
    }

    private Caller read() {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getRawToken() == null) {
            throw new NotAuthenticatedException("a bearer token is required");
        }
        // The same token always makes the same caller: a token verified before carries what was made of it.
        CallerMemo memo = identity.getAttribute(VerifiedTokens.CALLER_MEMO);
        CallerClaims.Result result = memo != null ? memo.get(() -> read(jwt)) : read(jwt);
        return switch (result) {
            case CallerClaims.Result.Identified identified -> identified.caller();
            case CallerClaims.Result.Unidentified unidentified -> throw new NotAuthenticatedException(unidentified.reason());
        };
    }

    private CallerClaims.Result read(JsonWebToken jwt) {
        return CallerClaims.read(claims(jwt.getRawToken()), rules.claims(), rules.purposes());
    }

    /** The payload of a token already verified by quarkus-oidc, as JSON for {@link CallerClaims}. */
    private static JsonNode claims(String rawToken) {
        String[] parts = rawToken.split("\\.");
        if (parts.length < 2) {
            throw new NotAuthenticatedException("the bearer token is not a JWT");
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            throw new NotAuthenticatedException("the bearer token's claims are not JSON");
        }
    }
}
