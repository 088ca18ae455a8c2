package org.veil.index;

import java.util.OptionalLong;

/**
 * The index rows go to: the originals ({@code study}, {@code series}, {@code instance}), or one
 * de-identified view ({@code derived_*}, owned by a {@code derived_view} row). Both have the same
 * columns, so one writer and one search serve both.
 */
public record IndexTarget(String prefix, OptionalLong viewId) {
    public static final IndexTarget ORIGINAL = new IndexTarget("", OptionalLong.empty());
    public static final IndexTarget DERIVED = new IndexTarget("derived_", OptionalLong.empty());

    public static IndexTarget view(long viewId) {
        return new IndexTarget(DERIVED.prefix, OptionalLong.of(viewId));
    }

    public String study() {
        return prefix + "study";
    }

    public String series() {
        return prefix + "series";
    }

    public String instance() {
        return prefix + "instance";
    }
}
