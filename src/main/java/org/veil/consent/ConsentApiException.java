package org.veil.consent;

/**
 * A refusal of the consent API with its status: 400 for a request that cannot be recorded as
 * sent, 404 for an unknown study, consent or share, 409 for one that contradicts the record,
 * 503 when the identity provider cannot be asked.
 * Reasons name the rule, never a value from the request. A refusal about one part of the request
 * names that part as a {@link Field}, so an API speaking another format (FHIR's Consent) can point
 * at its own element without reading the reason's words.
 */
public class ConsentApiException extends RuntimeException {

    /** The part of a consent, patient consent or share request a refusal is about. */
    public enum Field {
        SCOPES, METHOD, EVIDENCE, VALID_FROM, VALID_UNTIL, PATIENT, STUDIES, PURPOSE, AUDIENCE, EXPIRES_AT, REASON
    }

    private final int status;
    private final Field field;

    private ConsentApiException(int status, Field field, String reason) {
        super(reason);
        this.status = status;
        this.field = field;
    }

    private ConsentApiException(int status, String reason) {
        this(status, null, reason);
    }

    /** A request that cannot be recorded as sent, as a whole (its body, its shape). */
    public static ConsentApiException invalid(String reason) {
        return new ConsentApiException(400, reason);
    }

    /** A request that cannot be recorded as sent because of one of its parts. */
    public static ConsentApiException invalid(Field field, String reason) {
        return new ConsentApiException(400, field, reason);
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

    /** The part of the request the refusal is about; empty when it is about the request as a whole. */
    public java.util.Optional<Field> field() {
        return java.util.Optional.ofNullable(field);
    }
}
