package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DicomWebClientTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class DicomWebClientNativeIT extends DicomWebClientTest {
}
