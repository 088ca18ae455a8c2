package org.veil.fhir;

import java.util.Optional;

/**
 * A {@code patient.identifier} search value, {@code [system|]PatientID} (FHIR token search), as
 * the Consent and AuditEvent searches take it. Both searches are filed on the trail under the
 * patient they name, so only what can be a PatientID names one (PS3.5 LO: at most 64 characters),
 * with no '|' after the one that ends the system.
 */
record PatientToken(Optional<String> system, String patientId) {
    static final String SHAPE = "a patient identifier is [system|]PatientID, each at most 64 characters (PS3.5 LO), with no other '|'";

    static PatientToken parse(String token) {
        int bar = token.indexOf('|');
        PatientToken t = new PatientToken(bar < 0 ? Optional.empty() : Optional.of(token.substring(0, bar)),
                bar < 0 ? token : token.substring(bar + 1));
        if (!loShaped(t.patientId)) {
            throw FhirProblem.invalid(400, "patient.identifier", SHAPE);
        }
        return t;
    }

    /**
     * The system as an Issuer of Patient ID (LO too), for a search that compares it; the
     * AuditEvent search does not (the trail keeps PatientIDs alone) and takes any system.
     */
    Optional<String> issuer() {
        if (system.filter(s -> !s.isEmpty() && !loShaped(s)).isPresent()) {
            throw FhirProblem.invalid(400, "patient.identifier", SHAPE);
        }
        return system;
    }

    private static boolean loShaped(String v) {
        return !v.isEmpty() && v.length() <= 64 && v.indexOf('|') < 0;
    }
}
