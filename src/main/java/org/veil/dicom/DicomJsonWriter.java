package org.veil.dicom;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a data set as DICOM JSON (PS3.18 Annex F.2): uppercase tag keys, PN as component
 * groups, DS/IS and binary numbers as JSON numbers, AT as hex strings. Binary values longer than
 * the inline limit, and Pixel Data always, become {@code BulkDataURI}s relative to the
 * instance's URI; callers prefix the service's base URL when they send the JSON.
 */
public final class DicomJsonWriter {
    /** The JSON text for one instance and the bulk data each of its BulkDataURIs names. */
    public record Result(String json, Map<String, FrameIndex.Range> bulkData) {
    }

    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * How much JSON one instance may make, and how many values one element may split into. The
     * JSON of a value can be many times its size (a person name {@code a\a\a…} becomes ten
     * characters per two bytes), so the reader's bound on value bytes does not bound it.
     */
    public record Bounds(long maxChars, int maxValues) {
        static final Bounds NONE = new Bounds(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    private final String instancePath;
    private final Bounds bounds;
    private final Map<String, FrameIndex.Range> bulkData = new LinkedHashMap<>();

    private DicomJsonWriter(String instancePath, Bounds bounds) {
        this.instancePath = instancePath;
        this.bounds = bounds;
    }

    /**
     * @param instancePath the instance's path below the service root, such as
     *                     {@code studies/1.2/series/1.3/instances/1.4}
     */
    public static Result write(Dataset ds, String instancePath) {
        return write(ds, instancePath, tag -> true);
    }

    /** As {@link #write(Dataset, String)}, keeping only the top-level elements that pass the filter. */
    public static Result write(Dataset ds, String instancePath, java.util.function.IntPredicate topLevel) {
        try {
            return write(ds, instancePath, topLevel, Bounds.NONE);
        } catch (MalformedDicomException e) {
            throw new IllegalStateException("unbounded", e);
        }
    }

    /** As {@link #write(Dataset, String, java.util.function.IntPredicate)}, refusing JSON beyond the bounds. */
    public static Result write(Dataset ds, String instancePath, java.util.function.IntPredicate topLevel, Bounds bounds)
            throws MalformedDicomException {
        DicomJsonWriter w = new DicomJsonWriter(instancePath, bounds);
        BoundedWriter out = new BoundedWriter(bounds.maxChars());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            w.writeDataset(g, ds, "", topLevel);
        } catch (TooLarge e) {
            throw new MalformedDicomException(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(out.toString(), w.bulkData);
    }

    /** Thrown through the generator when the JSON or an element's values pass their bound. */
    private static final class TooLarge extends IOException {
        TooLarge(String reason) {
            super(reason, null);
        }
    }

    /** The JSON text as it is made, refused past its bound as the generator flushes into it. */
    private static final class BoundedWriter extends java.io.Writer {
        private final StringBuilder text = new StringBuilder(4096);
        private final long max;

        BoundedWriter(long max) {
            this.max = max;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            if (text.length() + (long) len > max) {
                throw new TooLarge("the instance's metadata is larger than " + max + " characters of JSON");
            }
            text.append(cbuf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private void writeDataset(JsonGenerator g, Dataset ds, String path, java.util.function.IntPredicate filter)
            throws IOException {
        g.writeStartObject();
        for (Element e : ds) {
            if (Tag.isGroupLength(e.tag()) || e.tag() == Tag.DataSetTrailingPadding || !filter.test(e.tag())) {
                continue; // retired group lengths (PS3.5 7.2) and padding (PS3.10 7.2) carry no metadata
            }
            String key = Tag.toHex(e.tag());
            g.writeFieldName(key);
            g.writeStartObject();
            g.writeStringField("vr", e.vr().name());
            writeValue(g, ds, e, path.isEmpty() ? key : path + "/" + key);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void writeValue(JsonGenerator g, Dataset ds, Element e, String path) throws IOException {
        if (e.isSequence()) {
            if (!e.items().isEmpty()) {
                g.writeArrayFieldStart("Value");
                for (int i = 0; i < e.items().size(); i++) {
                    writeDataset(g, e.items().get(i), path + "/" + i, tag -> true);
                }
                g.writeEndArray();
            }
            return;
        }
        if (e.vr().isBulk()) {
            writeBinary(g, e, path);
            return;
        }
        if (e.value() == null || e.value().length == 0) {
            return;
        }
        if (e.vr().isString()) {
            if (e.vr().kind() != Vr.Kind.TEXT && separators(e.value()) >= bounds.maxValues()) {
                throw new TooLarge("an element of the instance has more than " + bounds.maxValues() + " values");
            }
            List<String> values = ds.values(e);
            if (e.vr() == Vr.PN) {
                values = values.stream().map(DicomJsonWriter::personName).toList();
            }
            if (values.stream().allMatch(String::isEmpty)) {
                return; // only padding: an empty value (PS3.18 F.2.5)
            }
            g.writeArrayFieldStart("Value");
            switch (e.vr().kind()) {
                case PERSON_NAME -> writePersonNames(g, values);
                case DECIMAL -> writeStrings(g, values, DicomJsonWriter::writeDecimal);
                case INTEGER_STRING -> writeStrings(g, values, DicomJsonWriter::writeInteger);
                default -> writeStrings(g, values, JsonGenerator::writeString);
            }
            g.writeEndArray();
            return;
        }
        g.writeArrayFieldStart("Value");
        writeBinaryNumbers(g, e, ds.bigEndian());
        g.writeEndArray();
    }

    /** Backslashes in the raw value: at least the values it splits into, less one (PS3.5 6.4). */
    private static int separators(byte[] value) {
        int n = 0;
        for (byte b : value) {
            if (b == '\\') {
                n++;
            }
        }
        return n;
    }

    private void writeBinary(JsonGenerator g, Element e, String path) throws IOException {
        boolean pixelData = e.tag() == Tag.PixelData || e.tag() == Tag.FloatPixelData || e.tag() == Tag.DoubleFloatPixelData;
        if (e.isLoaded() && !pixelData) {
            if (e.value().length > 0) {
                g.writeStringField("InlineBinary", java.util.Base64.getEncoder().encodeToString(e.value()));
            }
            return;
        }
        bulkData.put(path, new FrameIndex.Range(e.offset(), e.length()));
        g.writeStringField("BulkDataURI", instancePath + "/bulkdata/" + path);
    }

    private interface StringValueWriter {
        void write(JsonGenerator g, String value) throws IOException;
    }

    private static void writeStrings(JsonGenerator g, List<String> values, StringValueWriter w) throws IOException {
        for (String v : values) {
            if (v.isEmpty()) {
                g.writeNull();
            } else {
                w.write(g, v);
            }
        }
    }

    /**
     * A DS as a JSON number when it is one a double holds (PS3.18 F.2.3: DS and IS are numbers;
     * its note allows a string for a value that cannot be one). A value of more than 64 characters
     * (four times DS's 16: writers such as pydicom exceed 16 with {@code -0.30000000000000004},
     * and clients expect those as numbers), or one beyond a double's range ({@code 1e400}), stays
     * text: readers of the JSON, Veil's own included, refuse or round such numbers (Jackson
     * refuses more than 1,000 digits).
     */
    private static void writeDecimal(JsonGenerator g, String v) throws IOException {
        String t = v.trim();
        try {
            if (t.length() <= 64 && Double.isFinite(Double.parseDouble(t))) {
                g.writeNumber(new BigDecimal(t));
                return;
            }
        } catch (NumberFormatException e) {
            // not a valid DS; kept as text rather than lost
        }
        g.writeString(v);
    }

    /** An IS as a JSON number within 20 characters (its own are 12, PS3.5 6.2), otherwise as text (see {@link #writeDecimal}). */
    private static void writeInteger(JsonGenerator g, String v) throws IOException {
        String t = v.trim().startsWith("+") ? v.trim().substring(1) : v.trim();
        try {
            if (t.length() <= 20) {
                g.writeNumber(new BigInteger(t));
                return;
            }
        } catch (NumberFormatException e) {
            // as text
        }
        g.writeString(v);
    }

    private static void writePersonNames(JsonGenerator g, List<String> values) throws IOException {
        for (String v : values) {
            if (v.isEmpty()) {
                g.writeNull();
                continue;
            }
            String[] groups = v.split("=", -1);
            g.writeStartObject();
            String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
            for (int i = 0; i < Math.min(3, groups.length); i++) {
                String group = stripTrailingCarets(groups[i]);
                if (!group.isEmpty()) {
                    g.writeStringField(names[i], group);
                }
            }
            g.writeEndObject();
        }
    }

    /** A person name as written, or empty when its every component group is (`=`, `^=^`): no name, not a name of no groups (PS3.18 F.2.5). */
    private static String personName(String v) {
        for (String group : v.split("=", -1)) {
            if (!stripTrailingCarets(group).isEmpty()) {
                return stripTrailingCarets(v);
            }
        }
        return "";
    }

    /** A name or component group without its trailing empty components (PS3.5 6.2): {@code DOE^JOHN^^} is {@code DOE^JOHN}. */
    public static String stripTrailingCarets(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '^' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(0, end);
    }

    private static void writeBinaryNumbers(JsonGenerator g, Element e, boolean bigEndian) throws IOException {
        byte[] b = e.value();
        switch (e.vr()) {
            case US -> { for (int i = 0; i + 2 <= b.length; i += 2) g.writeNumber(ValueCodec.u16(b, i, bigEndian)); }
            case SS -> { for (int i = 0; i + 2 <= b.length; i += 2) g.writeNumber((short) ValueCodec.u16(b, i, bigEndian)); }
            case UL -> { for (int i = 0; i + 4 <= b.length; i += 4) g.writeNumber(ValueCodec.u32(b, i, bigEndian)); }
            case SL -> { for (int i = 0; i + 4 <= b.length; i += 4) g.writeNumber((int) ValueCodec.u32(b, i, bigEndian)); }
            case UV -> { for (int i = 0; i + 8 <= b.length; i += 8) g.writeNumber(new BigInteger(Long.toUnsignedString(ValueCodec.u64(b, i, bigEndian)))); }
            case SV -> { for (int i = 0; i + 8 <= b.length; i += 8) g.writeNumber(ValueCodec.u64(b, i, bigEndian)); }
            case FL -> { for (int i = 0; i + 4 <= b.length; i += 4) writeFloat(g, Float.intBitsToFloat((int) ValueCodec.u32(b, i, bigEndian))); }
            case FD -> { for (int i = 0; i + 8 <= b.length; i += 8) writeFloat(g, Double.longBitsToDouble(ValueCodec.u64(b, i, bigEndian))); }
            case AT -> {
                for (int i = 0; i + 4 <= b.length; i += 4) {
                    g.writeString(Tag.toHex((ValueCodec.u16(b, i, bigEndian) << 16) | ValueCodec.u16(b, i + 2, bigEndian)));
                }
            }
            default -> throw new IllegalStateException("not a binary number VR: " + e.vr());
        }
    }

    private static void writeFloat(JsonGenerator g, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNull(); // JSON has no NaN or infinity
        } else {
            g.writeNumber(v);
        }
    }

    private static void writeFloat(JsonGenerator g, float v) throws IOException {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }
}
