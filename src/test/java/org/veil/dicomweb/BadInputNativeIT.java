package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link BadInputTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class BadInputNativeIT extends BadInputTest {
}
