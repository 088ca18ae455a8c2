package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link RenderedTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class RenderedNativeIT extends RenderedTest {
}
