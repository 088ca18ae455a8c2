package org.veil.security;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link CallerResourceTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class CallerResourceNativeIT extends CallerResourceTest {
}
