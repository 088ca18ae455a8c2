package org.veil;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The Caffeine classes Veil's caches are made of, registered for the native executable. Caffeine
 * picks a generated cache class and node class by name from what a cache is configured with
 * (strong keys and values, a maximum weight or size, statistics, expiry), and loads them by reflection;
 * Quarkus's Caffeine extension registers the common ones, not these. Without them the executable
 * stops at start-up ({@code ClassNotFoundException: com.github.benmanes.caffeine.cache.SSMW}).
 * {@code CaffeineNativeReflectionTest} holds this list to the caches as configured.
 */
@RegisterForReflection(classNames = {
    // deid.BurnedInTextCheck: the verdicts, bounded by weight
    "com.github.benmanes.caffeine.cache.SSMW", "com.github.benmanes.caffeine.cache.PSMW",
    // dicomweb.ExplicitTranscoding: recently decoded instances, bounded by weight, expiring after access
    "com.github.benmanes.caffeine.cache.SSMWA", "com.github.benmanes.caffeine.cache.PSAMW",
    // security.VerifiedTokens: bounded by weight, with statistics, expiring per entry
    "com.github.benmanes.caffeine.cache.SSSMWA", "com.github.benmanes.caffeine.cache.PSWMW"})
public final class CaffeineNativeReflection {
    private CaffeineNativeReflection() {
    }
}
