package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link StowResponseTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class StowResponseNativeIT extends StowResponseTest {
}
