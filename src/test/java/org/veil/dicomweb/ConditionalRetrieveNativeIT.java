package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ConditionalRetrieveTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class ConditionalRetrieveNativeIT extends ConditionalRetrieveTest {
}
