package org.veil.security;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link AuthorizationMatrixTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class AuthorizationMatrixNativeIT extends AuthorizationMatrixTest {
}
