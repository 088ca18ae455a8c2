package org.veil.viewer;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link CorsTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
@TestProfile(CorsTest.ViewerElsewhere.class)
class CorsNativeIT extends CorsTest {
}
