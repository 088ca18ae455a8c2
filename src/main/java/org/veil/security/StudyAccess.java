package org.veil.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.Set;
import org.veil.policy.Caller;
import org.veil.policy.Purpose;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Role;

/**
 * The first gate of every DICOMweb request, before any study is looked at: the caller's roles
 * and purpose (403 naming the rule, nothing about a study; docs/security.md). Which studies a
 * reader then sees, and how, is the policy's decision (policy.AccessPolicy, applied by
 * dicomweb.Visibility); a study it may not see answers exactly as an unknown one (404).
 */
@ApplicationScoped
public class StudyAccess {
    private static final Set<Role> READERS = EnumSet.of(Role.CLINICIAN, Role.CONSULTANT, Role.EDUCATOR, Role.RESEARCHER);
    /** Readers who reach de-identified copies only. */
    private static final Set<Role> EXTERNAL_READERS = EnumSet.of(Role.CONSULTANT, Role.EDUCATOR, Role.RESEARCHER);

    @Inject
    CurrentCaller current;

    /**
     * Storing is part of treatment: a clinician with the purpose treatment, or an uploader (a
     * modality or PACS account), which needs no purpose but may not name one it cannot claim. A
     * token granted any other purpose may not store, whatever its roles: STOW answers about
     * original UIDs (already stored, stored with other content, stored for another patient), an
     * oracle on originals for a caller who reaches de-identified copies only.
     */
    public Caller requireStore() {
        Caller caller = current.get();
        refuseInvalidPurpose(caller);
        if (caller.roles().contains(Role.UPLOADER)) {
            requireTreatmentIfGranted(caller, "storing is part of treatment: the purpose %s may not store");
            if (!caller.roles().contains(Role.CLINICIAN) && caller.roles().stream().anyMatch(EXTERNAL_READERS::contains)) {
                // The same oracle through an account that holds both: stored with no purpose, read
                // de-identified with one. A clinician reads originals anyway, under treatment.
                throw new AccessRefusedException("storing is refused to an account that reads de-identified copies only "
                        + "(the roles consultant, educator or researcher beside uploader): keep the service account apart");
            }
            return caller;
        }
        if (!caller.roles().contains(Role.CLINICIAN)) {
            throw new AccessRefusedException("storing needs the role clinician or uploader");
        }
        requireTreatment(caller, "storing is part of treatment: the purpose %s may not store");
        return caller;
    }

    /** May the caller read images at all? A reader's role and a granted purpose. */
    public Caller requireReader() {
        Caller caller = current.get();
        refuseInvalidPurpose(caller);
        if (caller.roles().stream().noneMatch(READERS::contains)) {
            throw new AccessRefusedException("reading images needs one of the roles clinician, consultant, educator or researcher");
        }
        if (caller.purpose() instanceof PurposeDecision.Absent absent) {
            throw new AccessRefusedException(absent.reason());
        }
        return caller;
    }

    /**
     * For the consent and audit API: one of these roles, with no purpose or treatment. These
     * operations need no purpose, but a token naming one it may not claim (or several) is refused
     * here as everywhere: 403 before anything else (docs/security.md). And so is a token for a
     * purpose outside treatment: the registry and the trail hold PatientIDs and original UIDs, and
     * a token for teaching, research or publication reaches de-identified images only.
     */
    public Caller requireAnyRole(String operation, Role... roles) {
        Caller caller = current.get();
        refuseInvalidPurpose(caller);
        requireTreatmentIfGranted(caller, operation + " is done with no purpose or treatment: a token for %s reaches de-identified images only");
        for (Role r : roles) {
            if (caller.roles().contains(r)) {
                return caller;
            }
        }
        throw new AccessRefusedException(operation + " needs one of the roles "
                + java.util.Arrays.stream(roles).map(Role::roleName).collect(java.util.stream.Collectors.joining(", ")));
    }

    private static void refuseInvalidPurpose(Caller caller) {
        if (caller.purpose() instanceof PurposeDecision.Refused refused) {
            throw new AccessRefusedException(refused.reason());
        }
    }

    /** @param otherPurpose the refusal for a granted purpose other than treatment, with %s for its name */
    /** A purpose granted must be treatment; none is fine. {@code otherPurpose} names the purpose granted (%s). */
    private static void requireTreatmentIfGranted(Caller caller, String otherPurpose) {
        if (caller.purpose() instanceof PurposeDecision.Granted granted && granted.purpose() != Purpose.TREATMENT) {
            throw new AccessRefusedException(otherPurpose.formatted(granted.purpose().scopeName()));
        }
    }

    private static void requireTreatment(Caller caller, String otherPurpose) {
        switch (caller.purpose()) {
            case PurposeDecision.Absent absent -> throw new AccessRefusedException(absent.reason());
            case PurposeDecision.Refused refused -> throw new AccessRefusedException(refused.reason());
            case PurposeDecision.Granted granted -> requireTreatmentIfGranted(caller, otherPurpose);
        }
    }
}
