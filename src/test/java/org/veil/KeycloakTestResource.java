package org.veil;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.veil.security.KeycloakServer;

/**
 * Points every @QuarkusTest at the real Keycloak. The server outlives Quarkus restarts (test
 * profiles) and stops with the JVM, so stop() has nothing to do.
 */
@QuarkusTestResource(KeycloakTestResource.class)
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            return Map.of("quarkus.oidc.auth-server-url", KeycloakServer.get().issuer());
        } catch (Exception e) {
            throw new IllegalStateException("the test Keycloak did not start", e);
        }
    }

    @Override
    public void stop() {
        // the JVM's shutdown hook stops Keycloak
    }
}
