package org.veil.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * HAPI FHIR's R4 model and JSON parser, the only place Veil reads and writes FHIR. Reading is
 * strict: an element HAPI does not know for the resource, a value of the wrong type or repeated
 * where it may not repeat is a refusal, not something dropped on the way, because a consent with a
 * dropped element is not what the patient agreed to.
 */
@ApplicationScoped
public class FhirJson {
    public static final String MEDIA_TYPE = "application/fhir+json";

    /** Building the R4 context scans the model once (a second or so); it is then shared and thread-safe. */
    private final FhirContext context = FhirContext.forR4Cached();

    /** The body as a resource of the type, read up to {@code maxBytes}: 413 beyond, 422 when it is not that resource. */
    public <T extends IBaseResource> T read(InputStream in, Class<T> type, long maxBytes) {
        byte[] body;
        try {
            body = in == null ? new byte[0] : in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw FhirProblem.invalid(400, null, "the body could not be read");
        }
        if (body.length > maxBytes) {
            throw new FhirProblem(413, OperationOutcome.IssueType.TOOCOSTLY, null,
                    "the request body is larger than " + maxBytes + " bytes, the most this resource accepts");
        }
        if (body.length == 0) {
            throw FhirProblem.invalid(422, null, "the request needs a " + type.getSimpleName() + " resource as its body");
        }
        wellFormed(body);
        IParser parser = context.newJsonParser().setParserErrorHandler(new Strict());
        try {
            return parser.parseResource(type, new String(body, StandardCharsets.UTF_8));
        } catch (FhirProblem e) {
            throw e;
        } catch (DataFormatException | IllegalArgumentException | ClassCastException e) {
            // HAPI's messages may quote the body: Veil says what it expected instead.
            throw FhirProblem.invalid(422, null, "the body is not a FHIR R4 " + type.getSimpleName()
                    + " in JSON: malformed JSON, another resource type, a value of the wrong type or an element out of place");
        }
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON = com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    /**
     * What FHIR's JSON rules forbid (R4 json.html) and HAPI's reader lets through: a repeated
     * property, where the last would silently win and drop the first (a whole provision, say);
     * an empty array, object or string, which would read as absent (an empty {@code data} list
     * as "all of the patient's studies"); and trailing content. And the NUL character, which FHIR
     * strings may not hold (R4 datatypes.html#string) and PostgreSQL's text cannot: refused as what
     * it is, not answered 503 by the database.
     */
    private static void wellFormed(byte[] body) {
        try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(body)) {
            com.fasterxml.jackson.core.JsonToken previous = null;
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == com.fasterxml.jackson.core.JsonToken.END_ARRAY && previous == com.fasterxml.jackson.core.JsonToken.START_ARRAY
                        || t == com.fasterxml.jackson.core.JsonToken.END_OBJECT && previous == com.fasterxml.jackson.core.JsonToken.START_OBJECT
                        || t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING && p.getTextLength() == 0) {
                    throw FhirProblem.invalid(422, plainPath(p), "FHIR JSON has no empty arrays, objects or strings: leave the element out");
                }
                if ((t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING || t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME)
                        && p.getText().indexOf('\u0000') >= 0) {
                    throw FhirProblem.invalid(422, null, "FHIR strings may not contain the NUL character (\\u0000)");
                }
                previous = t;
                if (p.getParsingContext().inRoot() && t.isStructEnd() && p.nextToken() != null) {
                    throw FhirProblem.invalid(422, null, "the body holds more than one JSON value");
                }
            }
        } catch (com.fasterxml.jackson.core.exc.StreamReadException e) {
            throw FhirProblem.invalid(422, null, e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
                    ? "a property is repeated; FHIR JSON names each once" : "the body is not well-formed JSON");
        } catch (IOException e) {
            throw FhirProblem.invalid(422, null, "the body is not well-formed JSON");
        }
    }

    /** The property path at the parser, when every name on it is a plain FHIR name. */
    private static String plainPath(com.fasterxml.jackson.core.JsonParser p) {
        java.util.Deque<String> names = new java.util.ArrayDeque<>();
        for (com.fasterxml.jackson.core.JsonStreamContext c = p.getParsingContext(); c != null; c = c.getParent()) {
            if (c.getCurrentName() != null) {
                if (!c.getCurrentName().matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                    return null;
                }
                names.addFirst(c.getCurrentName());
            }
        }
        return names.isEmpty() ? null : "Consent." + String.join(".", names);
    }

    public String write(IBaseResource resource) {
        return context.newJsonParser().encodeResourceToString(resource);
    }

    /** An OperationOutcome with one error issue. */
    public static OperationOutcome outcome(OperationOutcome.IssueType type, String expression, String diagnostics) {
        OperationOutcome o = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = o.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
        if (expression != null) {
            issue.addExpression(expression);
        }
        return o;
    }

    /** HAPI's strict handler, naming the unknown element where its name is a plain FHIR name. */
    private static final class Strict extends StrictErrorHandler {
        @Override
        public void unknownElement(ca.uhn.fhir.parser.IParserErrorHandler.IParseLocation location, String name) {
            throw unknown(location, name);
        }

        @Override
        public void unknownAttribute(ca.uhn.fhir.parser.IParserErrorHandler.IParseLocation location, String name) {
            throw unknown(location, name);
        }

        private static FhirProblem unknown(ca.uhn.fhir.parser.IParserErrorHandler.IParseLocation location, String name) {
            String parent = location == null ? null : location.getParentElementName();
            String path = plain(parent) && plain(name) ? parent + "." + name : plain(name) ? name : null;
            return FhirProblem.notSupported(422, path, "an element FHIR R4 does not define here; Veil records only what it can read exactly");
        }

        private static boolean plain(String s) {
            return s != null && s.matches("[A-Za-z][A-Za-z0-9_\\[\\]]{0,63}");
        }
    }
}
