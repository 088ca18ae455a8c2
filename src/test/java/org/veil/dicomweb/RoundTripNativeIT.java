package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link RoundTripTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class RoundTripNativeIT extends RoundTripTest {
}
