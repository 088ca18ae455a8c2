package org.veil.deid;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The profiles by name. Each purpose of use other than treatment has one of the same name; the
 * defaults are justified in docs/deidentification.md and can be replaced by configuration.
 */
public final class Profiles {
    private final Map<String, Profile> byName;

    public Profiles(List<Profile> profiles) {
        Map<String, Profile> m = new LinkedHashMap<>();
        profiles.forEach(p -> m.put(p.name(), p));
        this.byName = Map.copyOf(m);
    }

    public static Profiles defaults() {
        return new Profiles(List.of(
                new Profile("consultation", EnumSet.of(Option.RETAIN_PATIENT_CHARACTERISTICS,
                        Option.RETAIN_LONGITUDINAL_MODIFIED_DATES, Option.CLEAN_PIXEL_DATA, Option.CLEAN_DESCRIPTORS)),
                new Profile("teaching", EnumSet.of(Option.RETAIN_PATIENT_CHARACTERISTICS, Option.CLEAN_PIXEL_DATA,
                        Option.CLEAN_DESCRIPTORS, Option.CLEAN_GRAPHICS, Option.CLEAN_STRUCTURED_CONTENT)),
                new Profile("research", EnumSet.of(Option.RETAIN_LONGITUDINAL_MODIFIED_DATES,
                        Option.RETAIN_PATIENT_CHARACTERISTICS, Option.RETAIN_DEVICE_IDENTITY, Option.CLEAN_PIXEL_DATA,
                        Option.CLEAN_DESCRIPTORS, Option.CLEAN_STRUCTURED_CONTENT)),
                new Profile("publication", EnumSet.of(Option.CLEAN_PIXEL_DATA, Option.CLEAN_RECOGNIZABLE_VISUAL_FEATURES,
                        Option.CLEAN_DESCRIPTORS, Option.CLEAN_GRAPHICS, Option.CLEAN_STRUCTURED_CONTENT))));
    }

    public Optional<Profile> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Map<String, Profile> all() {
        return byName;
    }
}
