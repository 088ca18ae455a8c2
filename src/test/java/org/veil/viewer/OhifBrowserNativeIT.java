package org.veil.viewer;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link OhifBrowserTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class OhifBrowserNativeIT extends OhifBrowserTest {
}
