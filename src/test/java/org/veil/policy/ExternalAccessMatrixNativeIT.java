package org.veil.policy;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ExternalAccessMatrixTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class ExternalAccessMatrixNativeIT extends ExternalAccessMatrixTest {
}
