package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link MetadataXmlTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class MetadataXmlNativeIT extends MetadataXmlTest {
}
