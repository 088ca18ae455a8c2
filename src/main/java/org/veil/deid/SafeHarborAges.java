package org.veil.deid;

import java.util.List;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Vr;

/**
 * HIPAA Safe Harbor's rule on ages (45 CFR 164.514(b)(2)(i)(C)): an age over 89 years is given as
 * 90 years, in Age String attributes and in a structured report's own record of the patient's
 * age (TID 1007 subject context), whose birth date never leaves.
 */
final class SafeHarborAges {
    private static final int CODE_VALUE = AttributeCleaner.CODE_VALUE;
    private static final int CODING_SCHEME_DESIGNATOR = AttributeCleaner.CODING_SCHEME_DESIGNATOR;
    private static final int CODE_MEANING = AttributeCleaner.CODE_MEANING;
    private static final int CONCEPT_NAME_CODES = 0x0040A043;
    private static final int MEASURED_VALUES = 0x0040A300;
    private static final int NUMERIC_VALUE = 0x0040A30A;
    private static final int FLOATING_POINT_VALUE = 0x0040A161;
    private static final int RATIONAL_NUMERATOR = 0x0040A162;
    private static final int RATIONAL_DENOMINATOR = 0x0040A163;
    private static final int UNITS = 0x004008EA;
    private static final int DATE = 0x0040A121;
    private static final int DATETIME = 0x0040A120;
    /** Subject Age (DCM 121033) and Subject Birth Date (DCM 121031), the SR's own record of the patient's age (TID 1007). */
    private static final String SUBJECT_AGE = "121033";
    private static final String SUBJECT_BIRTH_DATE = "121031";

    private SafeHarborAges() {
    }

    /** Every age of the attribute capped; unreadable ones not kept. */
    static void cap(EditableDataset ds, int tag) {
        ds.put(tag, Vr.AS, ds.strings(tag).stream().map(SafeHarborAges::cappedAge).toList());
    }

    /**
     * In a cleaned or dummied content item (an SR's TID 1007 subject context): Subject Age over 89
     * years is given as 90 years, and Subject Birth Date never leaves, whatever else is kept.
     */
    static void subjectContext(EditableDataset item) {
        List<EditableDataset> concept = item.items(CONCEPT_NAME_CODES);
        if (concept.isEmpty()) {
            return;
        }
        String code = concept.get(0).string(CODE_VALUE).orElse("").trim();
        String scheme = concept.get(0).string(CODING_SCHEME_DESIGNATOR).orElse("").trim();
        if (!scheme.equals("DCM")) {
            return;
        }
        if (code.equals(SUBJECT_BIRTH_DATE)) {
            if (item.contains(DATE)) {
                item.put(DATE, Vr.DA, "19000101");
            }
            if (item.contains(DATETIME)) {
                item.put(DATETIME, Vr.DT, "19000101000000");
            }
        } else if (code.equals(SUBJECT_AGE)) {
            for (EditableDataset value : item.items(MEASURED_VALUES)) {
                double years = years(value);
                if (years >= 90 || Double.isNaN(years)) {
                    value.put(NUMERIC_VALUE, Vr.DS, "90");
                    value.remove(FLOATING_POINT_VALUE);
                    value.remove(RATIONAL_NUMERATOR);
                    value.remove(RATIONAL_DENOMINATOR);
                    List<EditableDataset> unit = value.newSequence(UNITS, 1);
                    unit.get(0).put(CODE_VALUE, Vr.SH, "a");
                    unit.get(0).put(CODING_SCHEME_DESIGNATOR, Vr.SH, "UCUM");
                    unit.get(0).put(CODE_MEANING, Vr.LO, "year");
                }
            }
        }
    }

    /** The age a measured value states, in years; NaN when it cannot be read. */
    private static double years(EditableDataset value) {
        double n;
        try {
            n = Double.parseDouble(value.string(NUMERIC_VALUE).orElse("").trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
        List<EditableDataset> unit = value.items(UNITS);
        String u = unit.isEmpty() ? "a" : unit.get(0).string(CODE_VALUE).orElse("a").trim();
        return switch (u) {
            case "a" -> n;
            case "mo" -> n / 12;
            case "wk" -> n / 52;
            case "d" -> n / 365;
            case "h" -> n / (365 * 24);
            default -> Double.NaN;
        };
    }

    /** HIPAA Safe Harbor: ages over 89 years are given as 90 years. Unreadable ages are not kept. */
    static String cappedAge(String age) {
        if (age == null || !age.matches("\\d{3}[DWMY]")) {
            return "";
        }
        int n = Integer.parseInt(age.substring(0, 3));
        boolean over = switch (age.charAt(3)) {
            case 'Y' -> n > 89;
            case 'M' -> n > 89 * 12;
            case 'W' -> n > 89 * 52;
            default -> false;
        };
        return over ? "090Y" : age;
    }
}
