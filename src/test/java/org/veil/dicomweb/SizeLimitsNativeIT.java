package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link SizeLimitsTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
@TestProfile(SizeLimitsTest.SmallLimits.class)
class SizeLimitsNativeIT extends SizeLimitsTest {
}
