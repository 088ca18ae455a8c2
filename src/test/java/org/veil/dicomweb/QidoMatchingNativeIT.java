package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link QidoMatchingTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class QidoMatchingNativeIT extends QidoMatchingTest {
}
