package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link RangeRetrieveTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class RangeRetrieveNativeIT extends RangeRetrieveTest {
}
