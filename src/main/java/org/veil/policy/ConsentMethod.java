package org.veil.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How the patient's agreement was given. Publication needs it written. */
public enum ConsentMethod {
    WRITTEN, ELECTRONIC, VERBAL;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ConsentMethod> fromApiName(String name) {
        return Arrays.stream(values()).filter(m -> m.apiName().equals(name)).findFirst();
    }
}
