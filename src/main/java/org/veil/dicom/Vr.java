package org.veil.dicom;

/**
 * Value Representations, PS3.5 section 6.2. Each constant knows how its value is encoded so that
 * the reader and the JSON writer never switch on strings.
 */
public enum Vr {
    AE(Kind.STRING, false), AS(Kind.STRING, false), AT(Kind.ATTRIBUTE_TAG, false),
    CS(Kind.STRING, false), DA(Kind.STRING, false), DS(Kind.DECIMAL, false), DT(Kind.STRING, false),
    FD(Kind.FLOAT64, false), FL(Kind.FLOAT32, false), IS(Kind.INTEGER_STRING, false),
    LO(Kind.STRING, false), LT(Kind.TEXT, false), OB(Kind.BINARY, true), OD(Kind.BINARY, true),
    OF(Kind.BINARY, true), OL(Kind.BINARY, true), OV(Kind.BINARY, true), OW(Kind.BINARY, true),
    PN(Kind.PERSON_NAME, false), SH(Kind.STRING, false), SL(Kind.INT32, false), SQ(Kind.SEQUENCE, true),
    SS(Kind.INT16, false), ST(Kind.TEXT, false), SV(Kind.INT64, true), TM(Kind.STRING, false),
    UC(Kind.STRING, true), UI(Kind.STRING, false), UL(Kind.UINT32, false), UN(Kind.BINARY, true),
    UR(Kind.TEXT, true), US(Kind.UINT16, false), UT(Kind.TEXT, true), UV(Kind.UINT64, true);

    /** How a value of this VR is laid out in bytes and in DICOM JSON (PS3.18 Annex F.2.3). */
    public enum Kind {
        STRING, TEXT, PERSON_NAME, DECIMAL, INTEGER_STRING, ATTRIBUTE_TAG,
        INT16, UINT16, INT32, UINT32, INT64, UINT64, FLOAT32, FLOAT64, BINARY, SEQUENCE
    }

    /** The shape of one Decimal String value (PS3.5 6.2, DS), trimmed: no NaN, Infinity, hex or type suffix. */
    public static final java.util.regex.Pattern DECIMAL_STRING = java.util.regex.Pattern.compile(
            "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    /** Eight digits shaped like a date (PS3.5 DA) of the last three centuries: a birth or visit date, whatever attribute holds it. */
    public static final java.util.regex.Pattern DATE_LIKE = java.util.regex.Pattern.compile("(18|19|20)\\d{2}[01]\\d[0-3]\\d");

    /**
     * Whether a decimal string's whole part, as a number, is shaped like a date (a Patient's
     * Weight of 19500312, or 1.9500312E7, or 0019500312): de-identification empties such a value,
     * and the text check reads the value as a viewer of the derivative will, as absent. Read as
     * a number, not as text: exponents and leading zeros do not hide it.
     */
    public static boolean dateShapedDecimal(String value) {
        String s = value.trim();
        if (!DECIMAL_STRING.matcher(s).matches()) {
            return false;
        }
        java.math.BigDecimal d = new java.math.BigDecimal(s.startsWith("+") ? s.substring(1) : s);
        int wholeDigits = d.precision() - d.scale();
        return wholeDigits == 8 && DATE_LIKE.matcher(d.abs().toBigInteger().toString()).matches();
    }

    private final Kind kind;
    /** Explicit VR encoding with two reserved bytes and a 32-bit length (PS3.5 Table 7.1-1). */
    private final boolean longHeader;

    Vr(Kind kind, boolean longHeader) {
        this.kind = kind;
        this.longHeader = longHeader;
    }

    public Kind kind() {
        return kind;
    }

    public boolean longHeader() {
        return longHeader;
    }

    /** Values that may be large and are served as bulk data rather than inline in metadata. */
    public boolean isBulk() {
        return kind == Kind.BINARY;
    }

    public boolean isString() {
        return switch (kind) {
            case STRING, TEXT, PERSON_NAME, DECIMAL, INTEGER_STRING -> true;
            default -> false;
        };
    }

    /**
     * Every VR by its two letters, (first - 'A') * 26 + (second - 'A'). A table rather than
     * {@code valueOf}: that throws for each unknown code, and the reader asks for every element.
     */
    private static final Vr[] BY_CODE = new Vr[26 * 26];

    static {
        for (Vr vr : values()) {
            BY_CODE[(vr.name().charAt(0) - 'A') * 26 + vr.name().charAt(1) - 'A'] = vr;
        }
    }

    /** Returns the VR for two ASCII bytes, or null when they are not a VR the standard defines. */
    public static Vr fromBytes(int b0, int b1) {
        if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') {
            return null;
        }
        return BY_CODE[(b0 - 'A') * 26 + b1 - 'A'];
    }
}
