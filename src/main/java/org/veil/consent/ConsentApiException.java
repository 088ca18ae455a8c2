package org.veil.consent;

/**
 * A refusal of the consent API with its status: 400 for a request that cannot be recorded as
 * sent, 404 for an unknown study, consent or share, 409 for one that contradicts the record,
 * 503 when the identity provider cannot be asked.
 * Reasons name the rule, never a value from the request.
 */
public class ConsentApiException extends RuntimeException {
    private final int status;

    private ConsentApiException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public static ConsentApiException invalid(String reason) {
        return new ConsentApiException(400, reason);
    }

    public static ConsentApiException unknown(String what) {
        return new ConsentApiException(404, what);
    }

    /** A system Veil needs to decide could not be asked (503). */
    public static ConsentApiException unavailable(String reason) {
        return new ConsentApiException(503, reason);
    }

    /** A body larger than the API reads (413). */
    public static ConsentApiException tooLarge(String reason) {
        return new ConsentApiException(413, reason);
    }

    public static ConsentApiException conflict(String reason) {
        return new ConsentApiException(409, reason);
    }

    public int status() {
        return status;
    }
}
