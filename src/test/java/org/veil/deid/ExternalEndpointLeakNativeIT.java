package org.veil.deid;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ExternalEndpointLeakTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class ExternalEndpointLeakNativeIT extends ExternalEndpointLeakTest {
}
