package org.veil.dicomweb;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Veil's limits on a request before it is routed (docs/configuration.md). The HTTP codec's own
 * limits are set far above these in application.properties, so that these answer with a reason.
 */
@ConfigMapping(prefix = "veil.http")
public interface HttpLimitsConfig {
    /** Longest request URI (path and query), in characters. */
    @WithDefault("16384")
    int maxUriLength();

    /** Most bytes of request headers, names and values together. */
    @WithDefault("65536")
    long maxHeaderBytes();

    /** Largest JSON body of the consent and share API. */
    @WithDefault("1048576")
    long maxJsonBytes();
}
