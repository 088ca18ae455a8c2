package org.veil.consent;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link AudienceCheckTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class AudienceCheckNativeIT extends AudienceCheckTest {
}
