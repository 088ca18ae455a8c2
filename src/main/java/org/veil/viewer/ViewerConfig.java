package org.veil.viewer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** {@code veil.viewer.*}: the OHIF viewer Veil serves at /viewer/ (docs/ohif.md). */
@ConfigMapping(prefix = "veil.viewer")
public interface ViewerConfig {

    /** The prebuilt viewer: the {@code dist/} folder of the npm package {@code @ohif/app}. Without it, /viewer/ is not served. */
    Optional<Path> dir();

    /** The OIDC issuer the viewer logs in at; Veil's own issuer when not set. */
    Optional<String> oidcAuthority();

    /** The realm's public PKCE client for the viewer. */
    @WithDefault("veil-viewer")
    String oidcClientId();
}
