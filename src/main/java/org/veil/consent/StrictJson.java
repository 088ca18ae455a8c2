package org.veil.consent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Reads the bodies of the consent API, and refuses anything but exactly one JSON object of the
 * expected shape: unknown fields (a misspelt {@code validUntil} would record a consent without
 * an end), repeated fields, trailing content after the object, a number or a list where text is
 * expected, and nesting deeper than such a body needs. A consent is a legal record: what Veil
 * cannot read exactly it does not record. The application's shared ObjectMapper stays lenient,
 * because it also reads what other systems (Keycloak) send.
 */
final class StrictJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder(
                    com.fasterxml.jackson.core.JsonFactory.builder()
                            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                                    .maxStringLength(64 * 1024).maxNumberLength(32).build())
                            .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .withCoercionConfig(com.fasterxml.jackson.databind.type.LogicalType.Textual, c -> {
                // A number or a boolean where text belongs is an error, not text.
                c.setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
                c.setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
                c.setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Boolean,
                        com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
            })
            .build();

    /** An escaped NUL in a JSON string (a raw one is no JSON at all). */
    private static final java.util.regex.Pattern NUL = java.util.regex.Pattern.compile("\\\\[uU]0000");

    private StrictJson() {
    }

    /**
     * The body as the record type, read up to {@code maxBytes} whatever its framing (a chunked or
     * HTTP/2 body declares no length): 413 beyond, 400 with a reason that names the rule broken,
     * never a value.
     */
    static <T> T read(java.io.InputStream in, Class<T> type, long maxBytes) {
        byte[] body;
        try {
            body = in == null ? new byte[0] : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw ConsentApiException.invalid("the body could not be read");
        }
        if (body.length > maxBytes) {
            throw ConsentApiException.tooLarge("the request body is larger than " + maxBytes + " bytes, the most this resource accepts");
        }
        return read(body, type);
    }

    static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw ConsentApiException.invalid("the request needs a JSON object as its body");
        }
        if (NUL.matcher(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)).find()) {
            // PostgreSQL's text holds no NUL: refused as what it is, not answered 503 by the database.
            throw ConsentApiException.invalid("text in the body may not contain the NUL character (\\u0000)");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ConsentApiException.invalid("the request needs a JSON object as its body");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String field = e.getPropertyName();
            throw ConsentApiException.invalid("unknown field " + (field != null && field.matches("[A-Za-z]{1,40}")
                    ? field : "(not a plain name)") + "; the fields are those of docs/consent-and-policy.md");
        } catch (JsonProcessingException e) {
            throw ConsentApiException.invalid("the body is not one JSON object of the expected fields and types");
        } catch (IOException e) {
            throw ConsentApiException.invalid("the body could not be read");
        }
    }
}
