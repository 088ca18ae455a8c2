package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link MetadataConformanceTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class MetadataConformanceNativeIT extends MetadataConformanceTest {
}
