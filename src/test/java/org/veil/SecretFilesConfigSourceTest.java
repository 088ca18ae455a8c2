package org.veil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretFilesConfigSourceTest {

    @Test
    void aFileGivesItsVariableWithoutOneTrailingLineBreak() throws Exception {
        Path dir = Files.createTempDirectory("veil-secrets");
        try {
            Files.writeString(dir.resolve("db"), "s3cr3t\n");
            Files.writeString(dir.resolve("two"), "line one\nline two\r\n");
            Files.writeString(dir.resolve("bare"), " spaced ");
            Map<String, String> values = SecretFilesConfigSource.read(Map.of(
                    "VEIL_DB_PASSWORD_FILE", dir.resolve("db").toString(),
                    "QUARKUS_OIDC_CREDENTIALS_SECRET_FILE", dir.resolve("two").toString(),
                    "VEIL_DEID_SECRET_FILE", dir.resolve("bare").toString(),
                    "HOME_FILE", dir.resolve("db").toString(),
                    "VEIL_PLAIN", "x"));
            assertThat(values).containsExactlyInAnyOrderEntriesOf(Map.of("VEIL_DB_PASSWORD", "s3cr3t",
                    "QUARKUS_OIDC_CREDENTIALS_SECRET", "line one\nline two", "VEIL_DEID_SECRET", " spaced "));
            // Configuration names resolve as they do for environment variables.
            SecretFilesConfigSource source = new SecretFilesConfigSource();
            assertThat(source.getOrdinal()).isEqualTo(295);
        } finally {
            TempTree.delete(dir);
        }
    }

    @Test
    void anUnreadableFileStopsStartWithTheVariablesNameOnly() {
        assertThatThrownBy(() -> SecretFilesConfigSource.read(Map.of("VEIL_DEID_SECRET_FILE", "/nonexistent/veil-secret")))
                .hasMessage("VEIL_DEID_SECRET_FILE names a file that cannot be read");
    }
}
