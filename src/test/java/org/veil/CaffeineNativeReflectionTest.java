package org.veil;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.veil.deid.BurnedInTextCheck;

/**
 * The cache and node classes Caffeine picks for Veil's caches, found on the JVM, are the ones
 * registered for the native executable: a cache configured differently needs other classes.
 */
class CaffeineNativeReflectionTest {

    private static List<String> registered() {
        return List.of(CaffeineNativeReflection.class.getAnnotation(RegisterForReflection.class).classNames());
    }

    /** The generated classes behind a Caffeine cache: its bounded cache and its node factory. */
    private static List<String> classesBehind(Object manualCache) throws Exception {
        Object cache = field(manualCache, "cache");
        Object nodes = field(cache, "nodeFactory");
        return List.of(cache.getClass().getName(), nodes.getClass().getName());
    }

    private static Object field(Object owner, String name) throws Exception {
        for (Class<?> c = owner.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name)) {
                    f.setAccessible(true);
                    return f.get(owner);
                }
            }
        }
        throw new NoSuchFieldException(name);
    }

    @Test
    void theTextChecksVerdictCacheIsRegistered() throws Exception {
        BurnedInTextCheck check = new BurnedInTextCheck(Optional.empty(), java.util.Set.of());
        assertThat(registered()).containsAll(classesBehind(field(check, "verdicts")));
    }

    @Test
    void theDecodedInstanceCacheIsRegistered() throws Exception {
        // Only the decoding bound is read when the cache is made.
        org.veil.dicomweb.DicomWebConfig config = (org.veil.dicomweb.DicomWebConfig) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.veil.dicomweb.DicomWebConfig.class},
                (proxy, method, args) -> method.getName().equals("maxRenderDecodedBytes") ? 64L << 20 : null);
        Object transcoding = new org.veil.dicomweb.ExplicitTranscoding(null, config, null);
        assertThat(registered()).containsAll(classesBehind(field(transcoding, "recentlyDecoded")));
    }

    @Test
    void theVerifiedTokenCacheIsRegistered() throws Exception {
        Object tokens = new org.veil.security.VerifiedTokens(java.time.Duration.ofSeconds(60), 1 << 20,
                com.github.benmanes.caffeine.cache.Ticker.systemTicker(), java.time.Clock.systemUTC());
        assertThat(registered()).containsAll(classesBehind(field(tokens, "entries")));
    }
}
