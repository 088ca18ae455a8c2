package org.veil.deid;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the engine and the profiles from settings, the same way for the server and for the
 * offline command, so that both make the same derivatives from the same configuration.
 */
public final class DeidSettings {

    private DeidSettings() {
    }

    /** The keys from the secret; refuses a missing or short one rather than invent a secret. */
    public static Keys keys(Optional<String> secret) {
        String s = secret.map(String::trim).orElse("");
        if (s.isEmpty()) {
            throw new IllegalStateException("no de-identification secret: set VEIL_DEID_SECRET (at least 16 bytes)");
        }
        if (s.contains("${")) {
            throw new IllegalStateException("the de-identification secret is an unexpanded configuration expression");
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 16) {
            throw new IllegalStateException("the de-identification secret is shorter than 16 bytes");
        }
        return new Keys(bytes);
    }

    /** The default profiles, with the configured ones replacing or adding by name. */
    public static Profiles profiles(Map<String, List<String>> configured) {
        Map<String, Profile> all = new LinkedHashMap<>(Profiles.defaults().all());
        configured.forEach((name, options) -> {
            Set<Option> set = EnumSet.noneOf(Option.class);
            for (String o : options) {
                String n = o.trim();
                if (n.isEmpty() || n.equals("none")) {
                    continue;
                }
                set.add(Option.fromConfigName(n).orElseThrow(() -> new IllegalArgumentException(
                        "veil.deid.profiles." + name + ": unknown option '" + n + "'")));
            }
            all.put(name, new Profile(name, set));
        });
        return new Profiles(new ArrayList<>(all.values()));
    }

    public static Deidentifier engine(Keys keys, Optional<List<Path>> siteRules, Optional<Path> extraWords, long maxDecodedBytes)
            throws IOException {
        BurnedInRules rules = new BurnedInRules(List.of());
        List<byte[]> configured = new ArrayList<>();
        for (Path file : siteRules.orElse(List.of())) {
            configured.add(Files.readAllBytes(file));
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                rules = rules.plus(BurnedInRules.parse(r, file.toString()));
            }
        }
        rules = rules.plus(PixelCleaner.standardRules());
        Set<String> words = new HashSet<>(DescriptorCleaner.standardWords());
        if (extraWords.isPresent()) {
            configured.add(Files.readAllBytes(extraWords.get()));
            try (InputStream in = Files.newInputStream(extraWords.get())) {
                words.addAll(DescriptorCleaner.read(in));
            }
        }
        configured.add(Long.toString(maxDecodedBytes).getBytes(StandardCharsets.US_ASCII));
        configured.add(Tesseract.version().getBytes(StandardCharsets.US_ASCII));
        AttributeCleaner.Rules attributes = new AttributeCleaner.Rules(ActionTable.standard(), AttributePolicy.standard(),
                new DescriptorCleaner(words), Vocabulary.standard(words), CodedEntries.standard(words));
        return new Deidentifier(attributes, keys, new PixelCleaner(rules), BurnedInTextCheck.standard(), maxDecodedBytes,
                java.time.LocalDate::now, Recipe.of(configured));
    }
}
