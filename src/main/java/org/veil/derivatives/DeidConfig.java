package org.veil.derivatives;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.veil.deid.Profile;

/** {@code veil.deid.*}: the secret, the profiles, extra rules and the derivative cache (docs/configuration.md). */
@ConfigMapping(prefix = "veil.deid")
public interface DeidConfig {

    /** The secret every derived UID, pseudonym and date shift is keyed with; at least 16 bytes. Never logged. */
    Optional<String> secret();

    /** Profile name to its options; replaces the default of the same name, or adds a profile. */
    Map<String, List<String>> profiles();

    /** Site rule files for burned-in text, checked before Veil's own, in order. */
    Optional<List<Path>> pixelRules();

    /** A file of extra words that cleaned descriptors may keep. */
    Optional<Path> descriptorWords();

    /** Bound on the bytes of cached derivatives; the least recently used are evicted. */
    @WithDefault("10737418240")
    long cacheMaxBytes();

    /** Instances whose decoded pixel data is larger than this are withheld: every image is decoded to be checked. */
    @WithDefault("268435456")
    long maxDecodedBytes();
}
