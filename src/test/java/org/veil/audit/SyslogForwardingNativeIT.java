package org.veil.audit;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link SyslogForwardingTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
@TestProfile(SyslogForwardingTest.Collector.class)
class SyslogForwardingNativeIT extends SyslogForwardingTest {
}
