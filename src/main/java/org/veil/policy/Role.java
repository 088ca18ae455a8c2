package org.veil.policy;

import java.util.Arrays;
import java.util.Optional;

/** Who the caller is, from the token's realm or client roles. */
public enum Role {
    /** Internal care: stores and reads, records consents and shares. */
    CLINICIAN,
    /** External second opinion. */
    CONSULTANT,
    EDUCATOR,
    RESEARCHER,
    /** Audit read-out only. */
    AUDITOR,
    ADMIN,
    /** A modality or PACS service account: store only. */
    UPLOADER;

    public String roleName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Role> fromName(String name) {
        return Arrays.stream(values()).filter(r -> r.roleName().equals(name)).findFirst();
    }
}
