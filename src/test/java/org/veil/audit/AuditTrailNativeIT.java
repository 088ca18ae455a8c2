package org.veil.audit;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link AuditTrailTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class AuditTrailNativeIT extends AuditTrailTest {
}
