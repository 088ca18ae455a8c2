package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link FramesTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class FramesNativeIT extends FramesTest {
}
