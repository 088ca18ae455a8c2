package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link RawQueryCharactersTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
class RawQueryCharactersNativeIT extends RawQueryCharactersTest {
}
