package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeidentifiedLifecycleTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class DeidentifiedLifecycleNativeIT extends DeidentifiedLifecycleTest {
}
