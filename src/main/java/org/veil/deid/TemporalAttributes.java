package org.veil.deid;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Vr;

/**
 * Dates and times in a data set as a profile keeps them (PS3.15 E.3.6, Retain Longitudinal
 * Temporal Information): shifted by the patient's days, replaced by a dummy, or kept as they
 * are; in every case a value that does not read as a date or time is not kept, since a word
 * or an identifier fits in one.
 */
final class TemporalAttributes {
    /** A TM value (PS3.5 Table 6.2-1), also in the ACR-NEMA form with colons that PS3.5 says readers may meet. */
    private static final Pattern TIME = Pattern.compile("([01]\\d|2[0-3])(:?[0-5]\\d(:?([0-5]\\d|60)(\\.\\d{1,6})?)?)?");

    private final Profile profile;
    private final int dayShift;

    TemporalAttributes(Profile profile, int dayShift) {
        this.profile = profile;
        this.dayShift = dayShift;
    }

    /** TM values kept only in their shape: anything else in a time (a word, an identifier) is emptied. */
    static void times(EditableDataset ds, int tag) {
        if (!ds.strings(tag).stream().allMatch(v -> v == null || v.isBlank() || TIME.matcher(v.trim()).matches())) {
            ds.empty(tag);
        }
    }

    /** Dates kept as they are (K): a DT without its UTC offset (it tells where the patient was), and every value readable. */
    static void kept(EditableDataset ds, int tag, Vr vr) {
        if (vr == Vr.DT) {
            ds.put(tag, vr, ds.strings(tag).stream().map(TemporalAttributes::withoutOffset).toList());
        }
        readable(ds, tag, vr);
    }

    /** Dates kept as they are (K) must still read as dates. */
    private static void readable(EditableDataset ds, int tag, Vr vr) {
        for (String v : ds.strings(tag)) {
            if (v != null && !v.isBlank() && (vr == Vr.DA ? DateShift.date(v, 0) : DateShift.dateTime(withoutOffset(v), 0)).isEmpty()) {
                ds.empty(tag);
                return;
            }
        }
    }

    /**
     * Dates are shifted (Modified Dates) or replaced by a dummy; a value that is not a readable date
     * is not kept. A DT's UTC offset is dropped: with Timezone Offset From UTC removed (Table E.1-1)
     * it would tell where the patient was.
     */
    void clean(EditableDataset ds, int tag, Vr vr) {
        if (profile.has(Option.RETAIN_LONGITUDINAL_FULL_DATES)) {
            kept(ds, tag, vr);
            return;
        }
        if (!profile.shiftsDates()) {
            if (ds.strings(tag).stream().anyMatch(v -> v != null && !v.isBlank())) {
                ValueShapes.dummy(ds, tag, vr);
            }
            return;
        }
        List<String> shifted = new ArrayList<>();
        for (String v : ds.strings(tag)) {
            Optional<String> s = v == null || v.isBlank() ? Optional.of("")
                    : vr == Vr.DA ? DateShift.date(v, dayShift) : DateShift.dateTime(withoutOffset(v), dayShift);
            if (s.isEmpty()) {
                // not a date Veil can read: not kept
                ds.empty(tag);
                return;
            }
            shifted.add(s.get());
        }
        ds.put(tag, vr, shifted);
    }

    private static String withoutOffset(String dt) {
        if (dt == null) {
            return "";
        }
        String s = dt.trim();
        int sign = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
        return sign > 0 ? s.substring(0, sign) : s;
    }

    /** The latest year of any date in the original instance, at any depth, or the given one if later. */
    static int latestYear(EditableDataset ds, int depth, int atLeast) {
        int latest = atLeast;
        if (depth > 32) {
            return latest;
        }
        for (int tag : ds.tags()) {
            Vr vr = ds.vr(tag);
            if (vr == Vr.DA || vr == Vr.DT) {
                for (String v : ds.strings(tag)) {
                    String s = v == null ? "" : v.trim().replace(".", "");
                    if (s.length() >= 4 && s.substring(0, 4).matches("\\d{4}")) {
                        latest = Math.max(latest, Integer.parseInt(s.substring(0, 4)));
                    }
                }
            } else if (vr == Vr.SQ) {
                for (EditableDataset item : ds.items(tag)) {
                    latest = latestYear(item, depth + 1, latest);
                }
            }
        }
        return latest;
    }

}
