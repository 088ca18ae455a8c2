package org.veil.deid;

import java.util.Arrays;
import java.util.Optional;

/**
 * The options of the Basic Application Level Confidentiality Profile (PS3.15 Table E.1-1), each
 * with its column in the action table (null for the pixel options, which have none) and its code
 * in CID 7050, recorded in De-identification Method Code Sequence (0012,0064).
 */
public enum Option {
    CLEAN_PIXEL_DATA("clean-pixel-data", null, "113101", "Clean Pixel Data Option"),
    CLEAN_RECOGNIZABLE_VISUAL_FEATURES("clean-recognizable-visual-features", null, "113102",
            "Clean Recognizable Visual Features Option"),
    CLEAN_GRAPHICS("clean-graphics", "cleanGraphOpt", "113103", "Clean Graphics Option"),
    CLEAN_STRUCTURED_CONTENT("clean-structured-content", "cleanStructContOpt", "113104", "Clean Structured Content Option"),
    CLEAN_DESCRIPTORS("clean-descriptors", "cleanDescOpt", "113105", "Clean Descriptors Option"),
    RETAIN_LONGITUDINAL_FULL_DATES("retain-longitudinal-full-dates", "rtnLongFullDatesOpt", "113106",
            "Retain Longitudinal Temporal Information Full Dates Option"),
    RETAIN_LONGITUDINAL_MODIFIED_DATES("retain-longitudinal-modified-dates", "rtnLongModifDatesOpt", "113107",
            "Retain Longitudinal Temporal Information Modified Dates Option"),
    RETAIN_PATIENT_CHARACTERISTICS("retain-patient-characteristics", "rtnPatCharsOpt", "113108",
            "Retain Patient Characteristics Option"),
    RETAIN_DEVICE_IDENTITY("retain-device-identity", "rtnDevIdOpt", "113109", "Retain Device Identity Option"),
    RETAIN_UIDS("retain-uids", "rtnUIDsOpt", "113110", "Retain UIDs Option"),
    RETAIN_SAFE_PRIVATE("retain-safe-private", "rtnSafePrivOpt", "113111", "Retain Safe Private Option"),
    RETAIN_INSTITUTION_IDENTITY("retain-institution-identity", "rtnInstIdOpt", "113112", "Retain Institution Identity Option");

    /** CID 7050 code of the profile itself, always recorded. */
    public static final String BASIC_PROFILE_CODE = "113100";
    public static final String BASIC_PROFILE_MEANING = "Basic Application Confidentiality Profile";

    private final String configName;
    private final String column;
    private final String code;
    private final String meaning;

    Option(String configName, String column, String code, String meaning) {
        this.configName = configName;
        this.column = column;
        this.code = code;
        this.meaning = meaning;
    }

    /** The name used in configuration, such as {@code clean-pixel-data}. */
    public String configName() {
        return configName;
    }

    /** The column of the action table, or null for an option that has none. */
    public String column() {
        return column;
    }

    public String code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** A retain option's K keeps an attribute a clean option would only clean. */
    public boolean isRetain() {
        return name().startsWith("RETAIN_");
    }

    public static Optional<Option> fromConfigName(String name) {
        return Arrays.stream(values()).filter(o -> o.configName.equals(name)).findFirst();
    }
}
