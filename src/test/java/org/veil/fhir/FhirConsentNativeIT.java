package org.veil.fhir;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link FhirConsentTest} against the native executable (make test-native): HAPI FHIR's reflection there. */
@QuarkusIntegrationTest
class FhirConsentNativeIT extends FhirConsentTest {
}
