package org.veil.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Where instances are kept. */
@ConfigMapping(prefix = "veil.storage")
public interface StorageConfig {
    /** Root directory of the file store; holds objects/, tmp/ and journal/. */
    @WithDefault("data/storage")
    Path root();
}
