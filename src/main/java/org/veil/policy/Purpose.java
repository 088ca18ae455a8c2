package org.veil.policy;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a caller asks (the purpose of use), named in tokens as the scope {@code purpose:<name>} or
 * as an IHE IUA {@code purpose_of_use} Coding. Codes are HL7 v3 ActReason where one exists
 * (TREAT, TRAIN, HRESCH); consultation and publication have none and use Veil's local code system.
 */
public enum Purpose {
    TREATMENT("treatment", Purpose.HL7_ACT_REASON, "TREAT"),
    CONSULTATION("consultation", Purpose.VEIL_CODES, "CONSULT"),
    TEACHING("teaching", Purpose.HL7_ACT_REASON, "TRAIN"),
    RESEARCH("research", Purpose.HL7_ACT_REASON, "HRESCH"),
    PUBLICATION("publication", Purpose.VEIL_CODES, "PUBLISH");

    /** HL7 v3 ActReason code system (OID 2.16.840.1.113883.5.8). */
    public static final String HL7_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    /** Veil's local codes for purposes ActReason does not name. */
    public static final String VEIL_CODES = "urn:veil:purpose-of-use";
    public static final String SCOPE_PREFIX = "purpose:";

    private final String scopeName;
    private final String system;
    private final String code;

    Purpose(String scopeName, String system, String code) {
        this.scopeName = scopeName;
        this.system = system;
        this.code = code;
    }

    public String scopeName() {
        return scopeName;
    }

    public String system() {
        return system;
    }

    public String code() {
        return code;
    }

    /** The purpose a {@code purpose:<name>} scope names, if it names one. */
    public static Optional<Purpose> fromScope(String scope) {
        if (!scope.startsWith(SCOPE_PREFIX)) {
            return Optional.empty();
        }
        String name = scope.substring(SCOPE_PREFIX.length());
        return Arrays.stream(values()).filter(p -> p.scopeName.equals(name)).findFirst();
    }

    /** The purpose of an IUA Coding; the OID form of the ActReason system is accepted too. */
    public static Optional<Purpose> fromCoding(String system, String code) {
        boolean actReason = HL7_ACT_REASON.equals(system) || "urn:oid:2.16.840.1.113883.5.8".equals(system);
        return Arrays.stream(values())
                .filter(p -> p.code.equals(code) && (p.system.equals(system) || (actReason && p.system.equals(HL7_ACT_REASON))))
                .findFirst();
    }
}
