package org.veil.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.veil.policy.Purpose;
import org.veil.policy.Role;

/**
 * The configured {@link PurposeRules} and claim settings, checked once at start-up: an unknown
 * role or purpose name in the configuration stops Veil rather than silently granting nothing.
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class CallerRules {
    private final PurposeRules purposes;
    private final CallerClaims.Settings claims;

    @Inject
    public CallerRules(SecurityConfig config) {
        Map<Role, Set<Purpose>> claimable = new EnumMap<>(Role.class);
        config.claimable().forEach((role, names) -> {
            Set<Purpose> set = EnumSet.noneOf(Purpose.class);
            names.stream().map(String::trim).filter(n -> !n.isEmpty()).forEach(n -> set.add(purpose(n)));
            claimable.put(role(role), set);
        });
        Map<Role, Purpose> defaults = new EnumMap<>(Role.class);
        config.defaultPurpose().forEach((role, name) -> defaults.put(role(role), purpose(name.trim())));
        this.purposes = new PurposeRules(claimable, defaults);
        this.claims = new CallerClaims.Settings(config.roleClaims(), config.organisationClaim(), config.allowedClients());
    }

    public PurposeRules purposes() {
        return purposes;
    }

    public CallerClaims.Settings claims() {
        return claims;
    }

    private static Role role(String name) {
        return Role.fromName(name).orElseThrow(() -> new IllegalArgumentException(
                "veil.security: unknown role '" + name + "'"));
    }

    private static Purpose purpose(String name) {
        return Purpose.fromScope(Purpose.SCOPE_PREFIX + name).orElseThrow(() -> new IllegalArgumentException(
                "veil.security: unknown purpose '" + name + "'"));
    }
}
