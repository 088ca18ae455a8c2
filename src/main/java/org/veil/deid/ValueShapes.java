package org.veil.deid;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.veil.dicom.DataDictionary;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Vr;

/**
 * Values the attribute policy keeps only in the shape their VR allows (PS3.5 6.2): numbers that
 * parse as DS or IS and do not look like an identifier or a date, code strings whose every word is
 * a known term, character sets the standard defines, and a VR on the wire that the dictionary
 * allows. Anything else in such an attribute could be free text, so it is not kept. Also the
 * dummy of each VR: a value of its shape that says nothing.
 */
final class ValueShapes {
    private static final int SPECIFIC_CHARACTER_SET = 0x00080005;
    private static final int MODALITY = 0x00080060;
    private static final int LUT_DATA = 0x00283006;
    private static final Pattern IS = Pattern.compile("[+-]?\\d{1,12}");
    private static final Pattern CS = Pattern.compile("[A-Z0-9 _]{1,16}");
    /** Code strings that are Type 1 where they appear (Content Label): a dummy rather than no value when no term of them is known. */
    private static final Set<Integer> REQUIRED_TEXT = Set.of(0x00700080);
    private static final Set<String> CHARACTER_SETS = Set.of("", "ISO_IR 6", "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110",
            "ISO_IR 144", "ISO_IR 127", "ISO_IR 126", "ISO_IR 138", "ISO_IR 148", "ISO_IR 203", "ISO_IR 13", "ISO_IR 166", "ISO_IR 192",
            "GB18030", "GBK", "ISO 2022 IR 6", "ISO 2022 IR 100", "ISO 2022 IR 101", "ISO 2022 IR 109", "ISO 2022 IR 110",
            "ISO 2022 IR 144", "ISO 2022 IR 127", "ISO 2022 IR 126", "ISO 2022 IR 138", "ISO 2022 IR 148", "ISO 2022 IR 203",
            "ISO 2022 IR 13", "ISO 2022 IR 166", "ISO 2022 IR 87", "ISO 2022 IR 159", "ISO 2022 IR 149", "ISO 2022 IR 58");

    private ValueShapes() {
    }

    /**
     * Numbers are kept when they parse as their VR and are no more than the dictionary allows (an
     * Acquisition Matrix of four values, not of four hundred: values past the expected carry bytes
     * no reader looks at); a counter with more than six digits, or shaped like a date, is an
     * identifier, and so is a decimal whose whole part is shaped like a date ({@link Vr#dateShapedDecimal};
     * the IS bound of six digits is not applied to DS: some PET scanners write the dose in becquerels,
     * nine digits that quantification needs).
     */
    static void numbers(EditableDataset ds, int tag, Vr vr) {
        // How many values: beyondMultiplicity, which the walk asks of every attribute first.
        if (vr != Vr.DS && vr != Vr.IS) {
            return; // binary numbers: two to eight bytes of a fixed type, read as numbers by every reader
        }
        List<String> values = ds.strings(tag);
        for (String v : values) {
            String s = v == null ? "" : v.trim();
            if (s.isEmpty()) {
                continue;
            }
            boolean ok = vr == Vr.DS ? Vr.DECIMAL_STRING.matcher(s).matches() && !Vr.dateShapedDecimal(s)
                    : IS.matcher(s).matches() && s.replaceAll("[^0-9]", "").length() <= 6 && !Vr.DATE_LIKE.matcher(s).matches();
            if (!ok) {
                ds.empty(tag);
                return;
            }
        }
    }

    /**
     * Whether the attribute holds more values than the dictionary allows it (PS3.6 VM): a Pregnancy
     * Status of 32,767 US values, three Patient's Ages that together spell a birth date. Values
     * judged by their shape (numbers, dates, times, ages, codes, UIDs) pass one by one, so the
     * values past the expected are a channel no reader looks at. Text and names are read value by
     * value as text (each cleaned, or dummied), binary values and sequences have no values to count.
     */
    static boolean beyondMultiplicity(EditableDataset ds, int tag) {
        Vr vr = ds.vr(tag);
        if (vr == Vr.SQ || vr.isBulk() || vr.kind() == Vr.Kind.TEXT || vr.kind() == Vr.Kind.PERSON_NAME
                || vr == Vr.LO || vr == Vr.SH || vr == Vr.UC) {
            return false;
        }
        OptionalInt most = DataDictionary.maxValues(tag);
        return most.isPresent() && ds.valueCount(tag) > most.getAsInt();
    }

    /** Code strings keep the values whose words are all known terms; Modality falls back to OT (PS3.3 C.7.3.1.1.1). */
    static void codeStrings(EditableDataset ds, int tag, Vocabulary vocabulary) {
        List<String> values = ds.strings(tag);
        if (tag == SPECIFIC_CHARACTER_SET) {
            if (!values.stream().allMatch(v -> CHARACTER_SETS.contains(v == null ? "" : v.trim()))) {
                ds.remove(tag);
            }
            return;
        }
        List<String> kept = new ArrayList<>();
        int numbers = 0;
        for (String v : values) {
            String s = v == null ? "" : v.trim();
            if (s.isEmpty()) {
                kept.add(s);
            } else if (CS.matcher(s).matches() && vocabulary.codeString(s)) {
                // One short number per attribute (a character set's, a context group's): more of
                // them, in one value or across values, can spell an MRN or a date four digits at a time.
                int here = Vocabulary.numbers(s);
                numbers += here;
                if (numbers <= 1 || here == 0) {
                    kept.add(s);
                }
            }
        }
        while (!kept.isEmpty() && kept.get(kept.size() - 1).isEmpty()) {
            kept.remove(kept.size() - 1);
        }
        if (kept.size() == values.size()) {
            return;
        }
        if (tag == MODALITY) {
            ds.put(tag, Vr.CS, "OT");
        } else if (kept.isEmpty() && REQUIRED_TEXT.contains(tag)) {
            ds.put(tag, Vr.CS, "REMOVED");
        } else if (kept.isEmpty()) {
            ds.empty(tag);
        } else {
            ds.put(tag, Vr.CS, kept);
        }
    }

    /**
     * A VR on the wire other than the dictionary's is not trusted (a SliceThickness sent as UT can
     * hold anything): such attributes are removed, unless the two VRs are the dictionary's
     * alternatives (US or SS, OB or OW) or both are text of the same kind. A standard attribute
     * whose VR the dictionary does not know has no VR to trust either: whatever it was sent as
     * (64 KB of US values under a name the table cleans as text) nothing here can check it.
     */
    static boolean wrongVr(EditableDataset ds, int tag) {
        Vr wire = ds.vr(tag);
        Vr dictionary = EditableDataset.dictionaryVr(tag);
        if (dictionary == Vr.UN) {
            return true;
        }
        if (wire == dictionary) {
            return false;
        }
        if (wire == Vr.OW && (dictionary == Vr.US || dictionary == Vr.SS)) {
            // Only LUT Data is "US or OW" (PS3.6); an Acquisition Matrix sent as OW is a block of
            // bytes of any length under a name that promises four numbers.
            return tag != LUT_DATA;
        }
        return !(alternatives(wire, dictionary) || alternatives(dictionary, wire));
    }

    private static boolean alternatives(Vr a, Vr b) {
        return (a == Vr.US && b == Vr.SS) || (a == Vr.OB && b == Vr.OW)
                || (a == Vr.LO && b == Vr.SH) || (a == Vr.LT && b == Vr.ST) || (a == Vr.UT && (b == Vr.LT || b == Vr.ST))
                || (a == Vr.UC && (b == Vr.LO || b == Vr.SH));
    }

    /**
     * Replaces the value with a dummy of the VR's shape that says nothing (PS3.15 E.1.1, action D),
     * or with no bytes where the VR has no such value.
     */
    static void dummy(EditableDataset ds, int tag, Vr vr) {
        String value = dummyValue(vr);
        if (value == null) {
            ds.putBytes(tag, vr, new byte[0]);
        } else {
            ds.put(tag, vr, value);
        }
    }

    /** The dummy of a VR's shape ({@link #dummy}); null where the VR has none. */
    static String dummyValue(Vr vr) {
        return switch (vr) {
            case DA -> "19000101";
            case DT -> "19000101000000";
            case TM -> "000000";
            case AS -> "000Y";
            case AE, CS -> "VEIL";
            case PN -> "ANONYMOUS";
            case UR -> "urn:veil:removed";
            case DS, IS, US, SS, UL, SL, FL, FD, UV, SV -> "0";
            case LO, SH, LT, ST, UT, UC -> "REMOVED";
            default -> null;
        };
    }
}
