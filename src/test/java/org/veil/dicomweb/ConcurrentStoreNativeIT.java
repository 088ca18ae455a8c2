package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ConcurrentStoreTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class ConcurrentStoreNativeIT extends ConcurrentStoreTest {
}
