package org.veil;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes in the security and de-identification configuration stop the packaged server at
 * start-up, with a message that says which, rather than surfacing on the first request or
 * silently granting or cleaning less than configured.
 */
class ConfigurationRefusalIT {

    @Test
    void anUnknownPurposeInTheRoleMap() throws Exception {
        assertThat(VeilProcess.refusedStart("-Dveil.security.claimable.clinician=treatment,curiosity"))
                .contains("unknown purpose 'curiosity'");
    }

    @Test
    void aShortDeidentificationSecret() throws Exception {
        String log = VeilProcess.refusedStart("-Dveil.deid.secret=tooshort");
        assertThat(log).contains("shorter than 16 bytes").doesNotContain("tooshort");
    }

    @Test
    void anUnknownProfileOption() throws Exception {
        assertThat(VeilProcess.refusedStart("-Dveil.deid.secret=veil-refusal-secret-0123456789",
                "-Dveil.deid.profiles.teaching=clean-pixels")).contains("unknown option 'clean-pixels'");
    }

    /** The server answers with derived UIDs only: a profile that keeps the originals would serve them. */
    @Test
    void aServedProfileThatKeepsTheOriginalUids() throws Exception {
        assertThat(VeilProcess.refusedStart("-Dveil.deid.secret=veil-refusal-secret-0123456789",
                "-Dveil.deid.profiles.research=clean-pixel-data,retain-uids")).contains("veil.deid.profiles.research: retain-uids cannot be served");
    }

    @Test
    void aMistakeInASiteRuleFile(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("site-rules.txt");
        Files.writeString(rules, "rule our scanner\n  when Manufacturer sounds-like ACME\n  black 0,0,10,10\n");
        assertThat(VeilProcess.refusedStart("-Dveil.deid.secret=veil-refusal-secret-0123456789",
                "-Dveil.deid.pixel-rules=" + rules)).contains(rules + ":2: unknown operator 'sounds-like'");
    }
}
