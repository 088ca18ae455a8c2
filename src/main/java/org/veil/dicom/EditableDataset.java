package org.veil.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.SpecificCharacterSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A data set (an instance's top level or a sequence item) that can be read and changed
 * attribute by attribute, for de-identification. Values are exchanged as strings, decoded with
 * the data set's character set; binary values only as raw bytes. Backed by PixelMed, which stays
 * inside this package.
 */
public final class EditableDataset {
    private final AttributeList list;
    private final SpecificCharacterSet charset;
    private final String[] charsetTerms;

    EditableDataset(AttributeList list, SpecificCharacterSet inherited) {
        this(list, inherited, null);
    }

    private EditableDataset(AttributeList list, SpecificCharacterSet inherited, String[] inheritedTerms) {
        this.list = list;
        String[] own = Attribute.getStringValues(list, pixelMed(Tag.SpecificCharacterSet));
        boolean hasOwn = own != null && own.length > 0;
        this.charset = hasOwn ? new SpecificCharacterSet(own) : inherited;
        this.charsetTerms = hasOwn ? own : inheritedTerms;
    }

    /** The tags present, in ascending order; a snapshot, so that the data set may change while iterating. */
    public List<Integer> tags() {
        List<Integer> tags = new ArrayList<>(list.size());
        for (AttributeTag t : list.keySet()) {
            tags.add((t.getGroup() << 16) | t.getElement());
        }
        return tags;
    }

    public boolean contains(int tag) {
        return list.get(pixelMed(tag)) != null;
    }

    /** The VR the attribute was read or written with. */
    public Vr vr(int tag) {
        Attribute a = attribute(tag);
        byte[] vr = a.getVR();
        Vr known = vr != null && vr.length == 2 ? Vr.fromBytes(vr[0], vr[1]) : null;
        return known != null ? known : Vr.UN;
    }

    /** The values as strings; empty for an empty attribute, a sequence or a binary value. */
    public List<String> strings(int tag) {
        Attribute a = list.get(pixelMed(tag));
        if (a == null || a instanceof SequenceAttribute || vr(tag).isBulk() && vr(tag) != Vr.UN) {
            return List.of();
        }
        try {
            String[] values = a.getStringValues();
            return values == null ? List.of() : List.of(values);
        } catch (DicomException e) {
            return List.of();
        }
    }

    /** How many values the attribute holds (PixelMed's count: binary numbers by their size); 0 when absent or a sequence. */
    public int valueCount(int tag) {
        Attribute a = list.get(pixelMed(tag));
        return a == null || a instanceof SequenceAttribute ? 0 : a.getVM();
    }

    /** The first value, if any. */
    public Optional<String> string(int tag) {
        List<String> values = strings(tag);
        return values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    /** Whether the attribute is present and holds no value. */
    public boolean isEmpty(int tag) {
        Attribute a = list.get(pixelMed(tag));
        return a != null && (a instanceof SequenceAttribute s ? s.getNumberOfItems() == 0 : a.getVL() == 0);
    }

    /** Replaces the attribute's values, keeping its VR, or with the given VR when it is absent. */
    public void put(int tag, Vr vrIfAbsent, List<String> values) {
        Vr vr = contains(tag) ? vr(tag) : vrIfAbsent;
        try {
            Attribute a = AttributeFactory.newAttribute(pixelMed(tag), vr.name().getBytes(StandardCharsets.US_ASCII), charset);
            for (String v : values) {
                a.addValue(v);
            }
            list.put(a);
        } catch (DicomException e) {
            throw new IllegalArgumentException("cannot set " + Tag.toHex(tag) + " as " + vr, e);
        }
    }

    public void put(int tag, Vr vrIfAbsent, String value) {
        put(tag, vrIfAbsent, List.of(value));
    }

    /** Replaces a binary attribute (OB, OW, UN and the like) with these bytes, in little-endian order. */
    public void putBytes(int tag, Vr vr, byte[] value) {
        try {
            Attribute a = AttributeFactory.newAttribute(pixelMed(tag), vr.name().getBytes(StandardCharsets.US_ASCII), charset);
            a.setValues(value, false);
            list.put(a);
        } catch (DicomException e) {
            throw new IllegalArgumentException("cannot set " + Tag.toHex(tag) + " as " + vr, e);
        }
    }

    /** The raw bytes of a binary attribute, little-endian; empty when absent or not binary. */
    public byte[] bytes(int tag) {
        Attribute a = list.get(pixelMed(tag));
        if (a == null || a instanceof SequenceAttribute) {
            return new byte[0];
        }
        try {
            byte[] b = a.getByteValues(false);
            return b == null ? new byte[0] : b;
        } catch (DicomException e) {
            return new byte[0];
        }
    }

    /** Keeps the attribute with a zero-length value (a sequence with no items). */
    public void empty(int tag) {
        Attribute a = attribute(tag);
        try {
            if (a instanceof SequenceAttribute) {
                list.put(new SequenceAttribute(a.getTag()));
            } else {
                a.removeValues();
            }
        } catch (DicomException e) {
            throw new IllegalArgumentException("cannot empty " + Tag.toHex(tag), e);
        }
    }

    public void remove(int tag) {
        list.remove(pixelMed(tag));
    }

    /** A sequence's items, each editable in place; empty when the attribute is not a sequence. */
    public List<EditableDataset> items(int tag) {
        if (!(list.get(pixelMed(tag)) instanceof SequenceAttribute s)) {
            return List.of();
        }
        List<EditableDataset> items = new ArrayList<>(s.getNumberOfItems());
        for (int i = 0; i < s.getNumberOfItems(); i++) {
            items.add(new EditableDataset(s.getItem(i).getAttributeList(), charset, charsetTerms));
        }
        return items;
    }

    /**
     * A PALETTE COLOR image's red, green and blue tables rewritten as the text check reads them
     * ({@link PixelPresentation#writeCheckedPalette}); the tables are removed when they cannot be
     * read (the pixel check, which reads the same tables first, has then withheld the image).
     */
    public void writeCheckedPalette() {
        if (!PixelPresentation.writeCheckedPalette(list)) {
            for (int c = 0; c < 3; c++) {
                list.remove(new AttributeTag(0x0028, 0x1201 + c));
            }
        }
    }

    /** Keeps a sequence's first item only (none when it has none); anything else is left as it is. */
    public void keepFirstItem(int tag) {
        if (list.get(pixelMed(tag)) instanceof SequenceAttribute s && s.getNumberOfItems() > 1) {
            SequenceAttribute first = new SequenceAttribute(s.getTag());
            first.addItem(s.getItem(0));
            list.put(first);
        }
    }

    /** Replaces the attribute with a sequence of new, empty items, returned for filling in. */
    public List<EditableDataset> newSequence(int tag, int itemCount) {
        SequenceAttribute s = new SequenceAttribute(pixelMed(tag));
        List<EditableDataset> items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            AttributeList item = new AttributeList();
            s.addItem(new SequenceItem(item));
            items.add(new EditableDataset(item, charset, charsetTerms));
        }
        list.put(s);
        return items;
    }

    /** The VR the data dictionary gives the tag (UN for tags it does not know). */
    public static Vr dictionaryVr(int tag) {
        return DataDictionary.vrForTag(tag);
    }

    /** Whether the standard's dictionary knows the tag. */
    public static boolean inDictionary(int tag) {
        return DataDictionary.keywordForTag(tag).isPresent();
    }

    /**
     * Reads an attribute that came as UN again with its dictionary VR: a UN value is the value as
     * the sender encoded it in Implicit VR Little Endian (PS3.5 6.2.2), a sequence included
     * (CP-246). Returns false, changing nothing, when the dictionary does not know the tag or the
     * value does not parse as its VR; the caller then removes it.
     */
    public boolean decodeUnknown(int tag) {
        Attribute a = list.get(pixelMed(tag));
        if (a == null || vr(tag) != Vr.UN || DataDictionary.vrForTag(tag) == Vr.UN) {
            return false;
        }
        try {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            com.pixelmed.dicom.DicomOutputStream out = new com.pixelmed.dicom.DicomOutputStream(buf, null, IMPLICIT_LITTLE_ENDIAN);
            if (charsetTerms != null) {
                Attribute cs = AttributeFactory.newAttribute(pixelMed(Tag.SpecificCharacterSet), "CS".getBytes(StandardCharsets.US_ASCII));
                for (String term : charsetTerms) {
                    cs.addValue(term);
                }
                cs.write(out);
            }
            a.write(out);
            out.close();
            AttributeList decoded = new AttributeList();
            decoded.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(buf.toByteArray()),
                    IMPLICIT_LITTLE_ENDIAN, false));
            Attribute value = decoded.get(pixelMed(tag));
            if (value == null || value instanceof com.pixelmed.dicom.UnknownAttribute) {
                return false;
            }
            list.put(value);
            return true;
        } catch (java.io.IOException | DicomException | RuntimeException e) {
            return false;
        }
    }

    /** Replaces an ICC profile with the standard sRGB profile PixelMed ships, whose description names no one. */
    public boolean putStandardIccProfile(int tag) {
        try (java.io.InputStream in = com.pixelmed.dicom.AttributeList.class.getResourceAsStream("/com/pixelmed/dicom/sRGBColorSpaceProfileInputDevice.icc")) {
            if (in == null) {
                return false;
            }
            putBytes(tag, Vr.OB, in.readAllBytes());
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The private creator of a private data element (gggg,xxyy), if one is present. */
    public Optional<String> privateCreator(int tag) {
        String creator = list.getPrivateCreatorString(pixelMed(tag));
        return creator == null || creator.isBlank() ? Optional.empty() : Optional.of(creator.trim());
    }

    /**
     * Whether a private data element is one PS3.15 Table E.3.10-1 lists as safe (no identifying
     * information), by its creator; the list is PixelMed's rendering of that table.
     */
    public boolean isSafePrivate(int tag) {
        return com.pixelmed.dicom.ClinicalTrialsAttributes.isSafePrivateAttribute(pixelMed(tag), list);
    }

    private Attribute attribute(int tag) {
        Attribute a = list.get(pixelMed(tag));
        if (a == null) {
            throw new IllegalArgumentException("no attribute " + Tag.toHex(tag));
        }
        return a;
    }

    private static final String IMPLICIT_LITTLE_ENDIAN = "1.2.840.10008.1.2";

    static AttributeTag pixelMed(int tag) {
        return new AttributeTag(Tag.group(tag), Tag.element(tag));
    }
}
