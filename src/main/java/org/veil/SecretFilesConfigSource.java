package org.veil;

import io.smallrye.config.EnvConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Secrets from files, as Kubernetes mounts them: {@code VEIL_DB_PASSWORD_FILE=/run/secrets/db}
 * sets {@code VEIL_DB_PASSWORD} (and so {@code quarkus.datasource.password}) to that file's
 * content. It works for every {@code VEIL_*} and {@code QUARKUS_*} variable, and matches
 * configuration names the way environment variables do. A variable set directly wins over its
 * file (ordinal 295, under the environment's 300). One trailing line break is dropped, as
 * {@code echo} and editors add it; the rest of the content is used as it is.
 */
public class SecretFilesConfigSource extends EnvConfigSource {
    private static final String SUFFIX = "_FILE";

    public SecretFilesConfigSource() {
        super(read(System.getenv()), 295);
    }

    @Override
    public String getName() {
        return "Veil secret files (*_FILE)";
    }

    static Map<String, String> read(Map<String, String> environment) {
        Map<String, String> values = new HashMap<>();
        environment.forEach((name, file) -> {
            if (name.endsWith(SUFFIX) && (name.startsWith("VEIL_") || name.startsWith("QUARKUS_")) && !file.isBlank()) {
                String content;
                try {
                    content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    // The variable's name, never the content: it is a secret.
                    throw new UncheckedIOException(name + " names a file that cannot be read", e);
                }
                if (content.endsWith("\r\n")) {
                    content = content.substring(0, content.length() - 2);
                } else if (content.endsWith("\n")) {
                    content = content.substring(0, content.length() - 1);
                }
                values.put(name.substring(0, name.length() - SUFFIX.length()), content);
            }
        });
        return values;
    }
}
