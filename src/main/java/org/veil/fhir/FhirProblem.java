package org.veil.fhir;

import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A refusal of the FHIR endpoint, answered as an OperationOutcome (FHIR R4 http.html, "Create"):
 * 422 for a resource Veil will not record as sent, 400 for a search it does not support, 404,
 * 409, 413, 415. The diagnostics are Veil's own words and the expression names the element, never
 * a value from the request.
 */
public class FhirProblem extends RuntimeException {
    private final int status;
    private final OperationOutcome.IssueType type;
    private final String expression;

    FhirProblem(int status, OperationOutcome.IssueType type, String expression, String diagnostics) {
        super(diagnostics);
        this.status = status;
        this.type = type;
        this.expression = expression;
    }

    /** A resource that parses but that Veil cannot record as it says (422). */
    static FhirProblem unprocessable(String expression, String diagnostics) {
        return new FhirProblem(422, OperationOutcome.IssueType.BUSINESSRULE, expression, diagnostics);
    }

    /** Something Veil does not implement, named by its element (422 on a resource, 400 on a search). */
    static FhirProblem notSupported(int status, String expression, String diagnostics) {
        return new FhirProblem(status, OperationOutcome.IssueType.NOTSUPPORTED, expression, diagnostics);
    }

    static FhirProblem invalid(int status, String expression, String diagnostics) {
        return new FhirProblem(status, OperationOutcome.IssueType.INVALID, expression, diagnostics);
    }

    static FhirProblem notFound(String diagnostics) {
        return new FhirProblem(404, OperationOutcome.IssueType.NOTFOUND, null, diagnostics);
    }

    public int status() {
        return status;
    }

    public OperationOutcome.IssueType type() {
        return type;
    }

    /** The FHIRPath of the element at fault, or null. */
    public String expression() {
        return expression;
    }
}
