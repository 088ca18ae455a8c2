package org.veil.storage;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The AWS SDK finds STS's credential factories by name (WebIdentityCredentialsUtils,
 * ProfileCredentialsUtils) and makes them by reflection: kept in the native executable, so that
 * IRSA's web identity token and profiles that assume a role work there as on the JVM.
 */
@RegisterForReflection(classNames = {
        "software.amazon.awssdk.services.sts.internal.StsWebIdentityCredentialsProviderFactory",
        "software.amazon.awssdk.services.sts.internal.StsProfileCredentialsProviderFactory"})
final class StsNativeReflection {
    private StsNativeReflection() {
    }
}
