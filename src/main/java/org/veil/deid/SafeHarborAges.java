package org.veil.deid;

import java.util.List;
import java.util.Set;
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
    private static final int TEXT_VALUE = 0x0040A160;
    /**
     * Concepts that state the patient's age, as scheme and code: Subject Age (DCM 121033, TID 1007),
     * LOINC's Age (30525-0), Age - Reported (21612-7), Age - Estimated (21611-9) and Age calculated
     * (29553-5), SNOMED CT's Current chronological age (424144002) and Age (397669002), also under
     * the old designators LNC and SRT.
     */
    private static final Set<String> AGE_CONCEPTS = Set.of("DCM 121033", "LN 30525-0", "LN 21612-7", "LN 21611-9", "LN 29553-5",
            "LNC 30525-0", "LNC 21612-7", "LNC 21611-9", "LNC 29553-5", "SCT 424144002", "SRT 424144002", "SCT 397669002",
            "SRT 397669002");
    /** Concepts that state the birth date: Subject Birth Date (DCM 121031), LOINC 21112-8, SNOMED CT 184099003. */
    private static final Set<String> BIRTH_DATE_CONCEPTS = Set.of("DCM 121031", "LN 21112-8", "LNC 21112-8",
            "SCT 184099003", "SRT 184099003");

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
        // Every item of the concept and every value of its code: a second one would otherwise pass.
        boolean birthDate = false;
        boolean age = false;
        for (EditableDataset concept : item.items(CONCEPT_NAME_CODES)) {
            for (String scheme : concept.strings(CODING_SCHEME_DESIGNATOR)) {
                for (String code : concept.strings(CODE_VALUE)) {
                    String key = (scheme == null ? "" : scheme.trim().toUpperCase(java.util.Locale.ROOT)) + " "
                            + (code == null ? "" : code.trim());
                    birthDate |= BIRTH_DATE_CONCEPTS.contains(key);
                    age |= AGE_CONCEPTS.contains(key);
                }
            }
        }
        if (birthDate) {
            if (item.contains(DATE)) {
                item.put(DATE, Vr.DA, "19000101");
            }
            if (item.contains(DATETIME)) {
                item.put(DATETIME, Vr.DT, "19000101000000");
            }
            if (item.contains(TEXT_VALUE)) {
                item.put(TEXT_VALUE, Vr.UT, "REMOVED");
            }
        }
        if (age) {
            if (item.contains(TEXT_VALUE)) {
                item.put(TEXT_VALUE, Vr.UT, "REMOVED");
            }
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

    /**
     * The largest age a measured value states in any of its forms (every Numeric Value, Floating
     * Point Value, the rational), in years; NaN when any cannot be read or none is there.
     */
    private static double years(EditableDataset value) {
        List<String> numbers = new java.util.ArrayList<>(value.strings(NUMERIC_VALUE));
        numbers.addAll(value.strings(FLOATING_POINT_VALUE));
        List<String> numerators = value.strings(RATIONAL_NUMERATOR);
        List<String> denominators = value.strings(RATIONAL_DENOMINATOR);
        if (numerators.size() != denominators.size()) {
            return Double.NaN;
        }
        double n = Double.NEGATIVE_INFINITY;
        try {
            for (String v : numbers) {
                n = Math.max(n, Double.parseDouble(v == null ? "" : v.trim()));
            }
            for (int i = 0; i < numerators.size(); i++) {
                n = Math.max(n, Double.parseDouble(numerators.get(i).trim()) / Double.parseDouble(denominators.get(i).trim()));
            }
        } catch (NumberFormatException | NullPointerException e) {
            return Double.NaN;
        }
        if (n == Double.NEGATIVE_INFINITY || Double.isNaN(n) || Double.isInfinite(n)) {
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
