package org.veil.consent;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ConsentApiTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class ConsentApiNativeIT extends ConsentApiTest {
}
