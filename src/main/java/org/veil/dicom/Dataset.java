package org.veil.dicom;

import com.pixelmed.dicom.SpecificCharacterSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A data set as read from a stream: elements in stream order, with the byte order and character
 * set needed to interpret their values. Values are decoded on demand.
 */
public final class Dataset implements Iterable<Element> {
    private final List<Element> elements = new ArrayList<>();
    private final boolean bigEndian;
    private final Dataset parent;
    private static final int PIXEL_REPRESENTATION = 0x00280103;

    private SpecificCharacterSet charset;
    /** Pixel Representation as read, kept so that implicit VR lookups stay O(1) per element. */
    private Integer pixelRepresentation;

    Dataset(boolean bigEndian, Dataset parent) {
        this.bigEndian = bigEndian;
        this.parent = parent;
    }

    /**
     * Whether an element with this tag may follow the ones read so far: PS3.5 7.1 requires
     * ascending tags, each at most once. A data set with a repeated SOP Instance UID would
     * otherwise be indexed under one value and described under both.
     */
    boolean accepts(int tag) {
        return elements.isEmpty() || Integer.compareUnsigned(elements.get(elements.size() - 1).tag(), tag) < 0;
    }

    void add(Element e) {
        elements.add(e);
        if (e.tag() == PIXEL_REPRESENTATION) {
            pixelRepresentation = integer(PIXEL_REPRESENTATION).orElse(null);
        }
        if (e.tag() == Tag.SpecificCharacterSet && e.isLoaded()) {
            String[] terms = new String(e.value(), StandardCharsets.US_ASCII).trim().split("\\\\", -1);
            for (int i = 0; i < terms.length; i++) {
                terms[i] = terms[i].trim();
            }
            charset = new SpecificCharacterSet(terms);
        }
    }

    public List<Element> elements() {
        return Collections.unmodifiableList(elements);
    }

    @Override
    public Iterator<Element> iterator() {
        return elements().iterator();
    }

    public boolean bigEndian() {
        return bigEndian;
    }

    /** The element with this tag: a binary search, since elements are in ascending order ({@link #accepts}). */
    public Optional<Element> get(int tag) {
        int low = 0;
        int high = elements.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = Integer.compareUnsigned(elements.get(mid).tag(), tag);
            if (c == 0) {
                return Optional.of(elements.get(mid));
            } else if (c < 0) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return Optional.empty();
    }

    /** The first value of a string element, trimmed, or empty when absent or blank. */
    public Optional<String> string(int tag) {
        return get(tag).filter(Element::isLoaded).map(e -> values(e).get(0)).filter(s -> !s.isEmpty());
    }

    /**
     * The first value of {@code tag} in each item of sequence {@code sequence} that has one (PS3.4
     * C.2.2.2.6: a sequence matches when any of its items does), in item order.
     */
    public List<String> itemStrings(int sequence, int tag) {
        List<String> out = new ArrayList<>();
        get(sequence).filter(Element::isSequence).ifPresent(sq -> {
            for (Dataset item : sq.items()) {
                item.string(tag).ifPresent(out::add);
            }
        });
        return out;
    }

    public Optional<Integer> integer(int tag) {
        Optional<Element> e = get(tag).filter(Element::isLoaded);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        Element el = e.get();
        try {
            return switch (el.vr()) {
                case US -> el.value().length >= 2 ? Optional.of(ValueCodec.u16(el.value(), 0, bigEndian)) : Optional.empty();
                case SS -> el.value().length >= 2 ? Optional.of((int) (short) ValueCodec.u16(el.value(), 0, bigEndian)) : Optional.empty();
                case UL, SL -> el.value().length >= 4 ? Optional.of((int) ValueCodec.u32(el.value(), 0, bigEndian)) : Optional.empty();
                default -> string(tag).map(s -> (int) Double.parseDouble(s));
            };
        } catch (NumberFormatException ex) {
            return Optional.empty();
        }
    }

    /** Pixel Representation 0001H in this data set or an enclosing one (PS3.3 C.7.6.3.1.3). */
    boolean signedPixels() {
        for (Dataset d = this; d != null; d = d.parent) {
            if (d.pixelRepresentation != null) {
                return d.pixelRepresentation == 1;
            }
        }
        return false;
    }

    /** The element's value as text in the data set's character set (PS3.5 6.1). */
    public String decode(Element e) {
        byte[] v = e.value();
        if (v == null || v.length == 0) {
            return "";
        }
        SpecificCharacterSet cs = characterSet();
        if (cs != null && usesCharacterSet(e.vr())) {
            try {
                return cs.translateByteArrayToString(v, 0, v.length);
            } catch (RuntimeException broken) {
                // PixelMed indexes past the value on a cut escape sequence (ISO 2022, PS3.5 6.1.2.5):
                // the text is shown as far as it can be, never refused with a 500.
                return lenient(v);
            }
        }
        return new String(v, usesCharacterSet(e.vr()) ? StandardCharsets.ISO_8859_1 : StandardCharsets.US_ASCII);
    }

    /** Bytes that are not valid in their character set: Latin-1, with control characters other than layout as U+FFFD. */
    static String lenient(byte[] v) {
        char[] out = new String(v, StandardCharsets.ISO_8859_1).toCharArray();
        for (int i = 0; i < out.length; i++) {
            char c = out[i];
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7F) {
                out[i] = '\uFFFD';
            }
        }
        return new String(out);
    }

    /**
     * Splits a multi-valued string element into its values (PS3.5 6.4), trimming padding. A NUL
     * left inside a value after trimming is not DICOM (PS3.5 6.1.2: NUL pads UI values only) and
     * no PostgreSQL text or jsonb column holds one: it reads as U+FFFD, as an undecodable byte does.
     */
    public List<String> values(Element e) {
        String all = decode(e);
        List<String> out = new ArrayList<>();
        if (e.vr().kind() == Vr.Kind.TEXT) {
            out.add(withoutNul(trimTrailing(all)));
            return out;
        }
        for (String part : all.split("\\\\", -1)) {
            out.add(withoutNul(trimValue(part)));
        }
        return out;
    }

    private static String withoutNul(String s) {
        return s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    private SpecificCharacterSet characterSet() {
        for (Dataset d = this; d != null; d = d.parent) {
            if (d.charset != null) {
                return d.charset;
            }
        }
        return null;
    }

    private static boolean usesCharacterSet(Vr vr) {
        return switch (vr) {
            case SH, LO, ST, LT, UC, UT, PN -> true;
            default -> false;
        };
    }

    private static String trimValue(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        return s.substring(start, end);
    }

    private static String trimTrailing(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        return s.substring(0, end);
    }
}
