package org.veil.dicom;

import java.util.List;

/**
 * One data element as read: where its value lies in the (decoded) stream, and either the value
 * bytes, the items of a sequence, or the fragments of encapsulated pixel data. Large binary
 * values are not held: {@code value} is null and {@code offset}/{@code length} locate them.
 */
public record Element(int tag, Vr vr, long offset, long length, byte[] value,
                      List<Dataset> items, List<Fragment> fragments) {

    public static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;

    public boolean isSequence() {
        return items != null;
    }

    public boolean isEncapsulated() {
        return fragments != null;
    }

    public boolean isLoaded() {
        return value != null;
    }
}
