package org.veil.deid;

import java.util.EnumSet;
import java.util.Set;

/**
 * A named de-identification profile: the Basic Profile with a set of its options. The two
 * longitudinal options exclude each other: full dates and modified dates cannot both apply.
 */
public record Profile(String name, Set<Option> options) {

    public Profile {
        if (name == null || !name.matches("[a-z][a-z0-9-]{0,47}")) {
            throw new IllegalArgumentException("a profile name is 1-48 lower-case letters, digits or dashes");
        }
        options = options.isEmpty() ? EnumSet.noneOf(Option.class) : EnumSet.copyOf(options);
        if (options.contains(Option.RETAIN_LONGITUDINAL_FULL_DATES) && options.contains(Option.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
            throw new IllegalArgumentException("profile " + name + ": full dates and modified dates exclude each other");
        }
        options = java.util.Collections.unmodifiableSet(options);
    }

    public boolean has(Option option) {
        return options.contains(option);
    }

    /** Dates are shifted per patient (Modified Dates), kept (Full Dates), or removed or replaced. */
    public boolean shiftsDates() {
        return has(Option.RETAIN_LONGITUDINAL_MODIFIED_DATES);
    }
}
