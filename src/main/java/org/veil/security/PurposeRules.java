package org.veil.security;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.veil.policy.Purpose;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Role;

/**
 * Which role may claim which purpose, and the purpose a role gets when its token names none.
 * Keycloak issues any optional scope to any user, so this check is Veil's. Plain Java: no CDI,
 * no token types, so that every rule is testable on its own.
 */
public final class PurposeRules {
    private final Map<Role, Set<Purpose>> claimable;
    private final Map<Role, Purpose> defaults;

    public PurposeRules(Map<Role, Set<Purpose>> claimable, Map<Role, Purpose> defaults) {
        this.claimable = new EnumMap<>(Role.class);
        claimable.forEach((role, purposes) -> this.claimable.put(role, purposes.isEmpty()
                ? EnumSet.noneOf(Purpose.class) : EnumSet.copyOf(purposes)));
        this.defaults = new EnumMap<>(Role.class);
        this.defaults.putAll(defaults);
        this.defaults.forEach((role, purpose) -> {
            if (!mayClaim(role, purpose)) {
                throw new IllegalArgumentException("default purpose " + purpose.scopeName() + " is not claimable by " + role.roleName());
            }
        });
    }

    /** The safe defaults: no role has a default purpose; uploaders and auditors claim none. */
    public static PurposeRules defaults() {
        Map<Role, Set<Purpose>> claimable = new EnumMap<>(Role.class);
        claimable.put(Role.CLINICIAN, EnumSet.of(Purpose.TREATMENT, Purpose.TEACHING, Purpose.RESEARCH, Purpose.PUBLICATION));
        claimable.put(Role.CONSULTANT, EnumSet.of(Purpose.CONSULTATION));
        claimable.put(Role.EDUCATOR, EnumSet.of(Purpose.TEACHING));
        claimable.put(Role.RESEARCHER, EnumSet.of(Purpose.RESEARCH));
        return new PurposeRules(claimable, Map.of());
    }

    public boolean mayClaim(Role role, Purpose purpose) {
        return claimable.getOrDefault(role, Set.of()).contains(purpose);
    }

    /**
     * The one purpose of a request, from the purposes its token names (scopes and IUA Coding
     * together). None: the default of one of the caller's roles, if exactly one default applies.
     * Several distinct purposes, or one none of the roles may claim, is refused.
     */
    public PurposeDecision decide(Set<Role> roles, Set<Purpose> named) {
        if (named.size() > 1) {
            // The purposes named are Veil's own words (anything else was refused before), so the
            // reason, and the audit row it goes to, can say which were claimed together.
            return new PurposeDecision.Refused("a request carries exactly one purpose of use; the token names " + named.size() + " ("
                    + named.stream().map(Purpose::scopeName).sorted().collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
        if (named.isEmpty()) {
            Set<Purpose> fallback = new LinkedHashSet<>();
            roles.forEach(r -> Optional.ofNullable(defaults.get(r)).ifPresent(fallback::add));
            if (fallback.size() == 1) {
                return new PurposeDecision.Granted(fallback.iterator().next());
            }
            return new PurposeDecision.Absent("the token names no purpose of use (scope purpose:<name>)");
        }
        Purpose purpose = named.iterator().next();
        for (Role r : roles) {
            if (mayClaim(r, purpose)) {
                return new PurposeDecision.Granted(purpose);
            }
        }
        return new PurposeDecision.Refused("the caller's roles may not claim the purpose " + purpose.scopeName());
    }
}
