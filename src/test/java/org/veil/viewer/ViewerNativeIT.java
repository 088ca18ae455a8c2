package org.veil.viewer;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ViewerTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class ViewerNativeIT extends ViewerTest {
}
