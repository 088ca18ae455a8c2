package org.veil.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.SpecificCharacterSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a Part 10 file whole, changes attributes, and writes it again in its own transfer
 * syntax with fresh File Meta Information (PS3.10 7.1). For de-identified derivatives (through
 * {@link #root()}), the benchmark's generated studies and test fixtures; stored originals are
 * never rewritten.
 */
public final class Part10Editor {
    /** Pixel data these transfer syntaxes carry can be decoded for cleaning (with the codecs on the class path). */
    private static final java.util.Set<String> DECODABLE = java.util.Set.of(
            "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2",
            "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
            "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91");
    private static final String EXPLICIT_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    private final AttributeList list = new AttributeList();
    private String transferSyntax;

    private Part10Editor(java.io.InputStream in) throws IOException, MalformedDicomException {
        this(in, false);
    }

    private Part10Editor(java.io.InputStream in, boolean decodePixels) throws IOException, MalformedDicomException {
        try {
            list.setDecompressPixelData(decodePixels);
            list.read(new com.pixelmed.dicom.DicomInputStream(new java.io.BufferedInputStream(in)));
        } catch (DicomException | RuntimeException e) {
            throw new MalformedDicomException("PixelMed cannot read the file");
        }
        transferSyntax = Attribute.getSingleStringValueOrNull(list, new AttributeTag(0x0002, 0x0010));
        if (transferSyntax == null) {
            throw new MalformedDicomException("File Meta Information has no TransferSyntaxUID");
        }
    }

    public static Part10Editor read(Path file) throws IOException, MalformedDicomException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            return new Part10Editor(in);
        }
    }

    public static Part10Editor read(byte[] part10) throws MalformedDicomException {
        try {
            return new Part10Editor(new java.io.ByteArrayInputStream(part10));
        } catch (IOException e) {
            // nothing to read from but memory: the bytes are not a file PixelMed understands
            throw new MalformedDicomException("PixelMed cannot read the file");
        }
    }

    /** Whether pixel data in this transfer syntax can be decoded ({@link #readDecoded}). */
    public static boolean canDecode(String transferSyntax) {
        return DECODABLE.contains(transferSyntax);
    }

    /**
     * Reads with the pixel data decoded to native samples, to be written as Explicit VR Little
     * Endian: for cleaning pixels. Colour is decoded to RGB where the source was YBR.
     */
    public static Part10Editor readDecoded(byte[] part10) throws IOException, MalformedDicomException, UndecodablePixelDataException {
        Part10Editor editor;
        try {
            editor = new Part10Editor(new java.io.ByteArrayInputStream(part10), true);
        } catch (MalformedDicomException e) {
            throw new UndecodablePixelDataException("the pixel data cannot be decoded");
        }
        // JPEG and JPEG 2000 decoders hand back RGB whatever colour space the codestream used;
        // PixelMed leaves the YBR name in place, which would make every viewer misread the colours.
        String photometric = Attribute.getSingleStringValueOrEmptyString(editor.list, pixelMed(Tag.PhotometricInterpretation)).trim();
        boolean transformed = editor.transferSyntax.startsWith("1.2.840.10008.1.2.4.");
        if (transformed && photometric.startsWith("YBR")) {
            editor.root().put(Tag.PhotometricInterpretation, Vr.CS, "RGB");
        }
        editor.transferSyntax = EXPLICIT_LITTLE_ENDIAN;
        return editor;
    }

    /**
     * Paints each rectangle (x, y, width, height, in pixels from the top left) black in every
     * frame, with the lowest sample value (or the padding value where there is one), and keeps
     * the rest of every frame as it was. The instance must have been read decoded.
     */
    public Part10Editor blackout(java.util.List<java.awt.Rectangle> regions) throws UndecodablePixelDataException {
        if (!EXPLICIT_LITTLE_ENDIAN.equals(transferSyntax)) {
            throw new IllegalStateException("blackout needs an instance read with readDecoded");
        }
        try {
            com.pixelmed.display.SourceImage image = new com.pixelmed.display.SourceImage(list);
            java.util.Vector<java.awt.Shape> shapes = new java.util.Vector<>(regions);
            com.pixelmed.display.ImageEditUtilities.blackout(image, list, shapes, false, true, false, 0);
            return this;
        } catch (DicomException | RuntimeException e) {
            throw new UndecodablePixelDataException("the pixel data cannot be cleaned");
        }
    }

    /** The attribute list, for the package's renderer. */
    AttributeList attributes() {
        return list;
    }

    /** The data set itself (File Meta Information included, as group 0002), for editing. */
    public EditableDataset root() {
        return new EditableDataset(list, new SpecificCharacterSet((String[]) null));
    }

    public String transferSyntax() {
        return transferSyntax;
    }

    /**
     * Sets a top-level attribute to one string value, with the dictionary's VR, encoded in the
     * character set the list declares (set SpecificCharacterSet first for non-ASCII values).
     */
    public Part10Editor set(int tag, String value) {
        try {
            AttributeTag t = pixelMed(tag);
            Attribute a = AttributeFactory.newAttribute(t, vrBytes(tag), new SpecificCharacterSet(
                    Attribute.getStringValues(list, pixelMed(Tag.SpecificCharacterSet))));
            a.addValue(value);
            list.put(a);
            return this;
        } catch (DicomException e) {
            throw new IllegalArgumentException("cannot set " + Tag.toHex(tag), e);
        }
    }

    public Part10Editor remove(int tag) {
        list.remove(pixelMed(tag));
        return this;
    }

    /** Replaces the Pixel Data with these compressed frames, one fragment each (PS3.5 A.4). */
    public Part10Editor encapsulatedFrames(byte[][] frames) {
        list.put(new OtherByteAttributeMultipleCompressedFrames(pixelMed(Tag.PixelData), frames));
        return set(Tag.NumberOfFrames, Integer.toString(frames.length));
    }

    public byte[] toBytes() throws IOException {
        try {
            list.removeGroupLengthAttributes();
            // Fresh meta information names the current SOP instance; a list without one (a test
            // of what Veil refuses) keeps the meta information it was read with.
            if (Attribute.getSingleStringValueOrNull(list, pixelMed(Tag.SOPInstanceUID)) != null
                    && Attribute.getSingleStringValueOrNull(list, pixelMed(Tag.SOPClassUID)) != null) {
                list.removeMetaInformationHeaderAttributes();
                FileMetaInformation.addFileMetaInformation(list, transferSyntax, "VEIL");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.write(out, transferSyntax, true, true);
            return out.toByteArray();
        } catch (DicomException e) {
            throw new IOException("PixelMed cannot write the file", e);
        }
    }

    private static AttributeTag pixelMed(int tag) {
        return new AttributeTag(Tag.group(tag), Tag.element(tag));
    }

    /** The dictionary VR as PixelMed's two bytes. */
    private static byte[] vrBytes(int tag) {
        return DataDictionary.vrForTag(tag).name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
