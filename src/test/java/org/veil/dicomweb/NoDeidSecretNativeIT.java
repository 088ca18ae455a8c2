package org.veil.dicomweb;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link NoDeidSecretTest} against the native executable (make test-native). */
@QuarkusIntegrationTest
@TestProfile(NoDeidSecretTest.NoSecret.class)
class NoDeidSecretNativeIT extends NoDeidSecretTest {
}
