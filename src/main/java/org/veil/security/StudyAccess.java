package org.veil.security;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place every DICOMweb request passes before it touches a study. Until identity lands
 * (see docs/security.md) Veil binds to 127.0.0.1 and this lets every local caller through; the
 * OIDC caller, purpose and consent checks go here, and a refused study must answer exactly as
 * an unknown one (404).
 */
@ApplicationScoped
public class StudyAccess {

    /** May the caller store instances? */
    public void requireStore() {
        // Identity issue: require a role that may store.
    }

    /** May the caller read this study? Throws the same exception an unknown study does. */
    public void requireRead(String studyInstanceUid) {
        // Identity and consent issues: decide on the caller, purpose and consents.
    }

    /** May the caller search? Results will be filtered to the studies it may read. */
    public void requireSearch() {
        // Identity issue: require an authenticated caller with a purpose.
    }
}
