package org.veil.dicomweb;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code veil.policy.*}: the switches of the default policy (docs/consent-and-policy.md), read
 * here and handed to the plain-Java {@link org.veil.policy.AccessPolicy}, which knows no configuration.
 */
@ConfigMapping(prefix = "veil.policy")
public interface PolicyConfig {

    /**
     * Teaching on de-identified images without the patient's teaching consent. Off by default:
     * the seed guidance allows it for anonymised images, but many hospitals ask for consent anyway.
     */
    @WithDefault("false")
    boolean teachingWithoutConsent();
}
