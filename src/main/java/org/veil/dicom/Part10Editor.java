package org.veil.dicom;

import java.util.Optional;

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
    private static final java.util.Set<String> NATIVE = java.util.Set.of(
            "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2");
    private static final String RLE = "1.2.840.10008.1.2.5";
    private static final java.util.Set<String> JPEG_LS = java.util.Set.of("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81");

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
        readTransferSyntax();
    }

    private Part10Editor(java.io.InputStream in, AttributeTag stopAt) throws IOException, MalformedDicomException {
        boolean[] stopped = new boolean[1];
        try {
            list.setDecompressPixelData(false);
            // PixelMed asks before each top-level element, never inside an item.
            list.read(new com.pixelmed.dicom.DicomInputStream(new java.io.BufferedInputStream(in, 16 * 1024)),
                    (read, tag, bytes) -> stopped[0] = tag.equals(stopAt));
            if (stopped[0]) {
                list.put(new com.pixelmed.dicom.OtherWordAttribute(stopAt));
            }
        } catch (DicomException | RuntimeException e) {
            throw new MalformedDicomException("PixelMed cannot read the file");
        }
        readTransferSyntax();
    }

    /** From memory, native 16-bit Pixel Data in bulk ({@link NativeWords}), everything else through PixelMed. */
    private Part10Editor(byte[] part10) throws MalformedDicomException {
        Optional<NativeWords.Split> split = NativeWords.locate(part10);
        try {
            list.setDecompressPixelData(false);
            list.read(new com.pixelmed.dicom.DicomInputStream(split.isPresent() ? split.get().header(part10)
                    : new java.io.ByteArrayInputStream(part10)));
            if (split.isPresent()) {
                list.put(split.get().attribute(part10));
            }
        } catch (IOException | DicomException | RuntimeException e) {
            // nothing to read from but memory: the bytes are not a file PixelMed understands
            throw new MalformedDicomException("PixelMed cannot read the file");
        }
        readTransferSyntax();
    }

    private void readTransferSyntax() throws MalformedDicomException {
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
        return new Part10Editor(part10);
    }

    /**
     * Reads the file up to its top-level Pixel Data and no further: what a decision from the
     * header needs, without the pixels' bytes (a de-identified listing, docs/architecture.md).
     * When the file has Pixel Data, the data set holds an empty stand-in for it, so that whatever
     * asks whether there are pixels gets the same answer as from the whole file; it must be
     * removed before the data set is written. Pixel Data inside a sequence item is read as ever.
     */
    public static Part10Editor readHeader(java.io.InputStream in) throws IOException, MalformedDicomException {
        return new Part10Editor(in, new AttributeTag(0x7FE0, 0x0010));
    }

    /** {@link #readHeader(java.io.InputStream)} from memory, where a failure to read is the file's. */
    public static Part10Editor readHeader(byte[] part10) throws MalformedDicomException {
        try {
            return readHeader(new java.io.ByteArrayInputStream(part10));
        } catch (IOException e) {
            // nothing to read from but memory: the bytes are not a file PixelMed understands
            throw new MalformedDicomException("PixelMed cannot read the file");
        }
    }

    /** Whether pixel data in this transfer syntax can be decoded ({@link #readDecoded}). */
    public static boolean canDecode(String transferSyntax) {
        return DECODABLE.contains(transferSyntax) || (JPEG_LS.contains(transferSyntax) && CharLs.available());
    }

    /**
     * Reads with the pixel data decoded to native samples, to be written as Explicit VR Little
     * Endian: for cleaning pixels, rendering and transcoding. Native syntaxes need no decoding;
     * RLE and JPEG-LS are decoded by Veil ({@link RleDecoder}, {@link CharLs}); JPEG and JPEG 2000
     * by PixelMed's codecs, whose colour comes back as RGB whatever the codestream used.
     */
    public static Part10Editor readDecoded(byte[] part10) throws IOException, MalformedDicomException, UndecodablePixelDataException {
        return readDecoded(part10, Integer.MAX_VALUE - 8L);
    }

    /**
     * {@link #readDecoded(byte[])}, refusing before any decoding when the image pixel description
     * says the decoded samples would take more than {@code maxDecodedBytes}.
     */
    public static Part10Editor readDecoded(byte[] part10, long maxDecodedBytes)
            throws IOException, MalformedDicomException, UndecodablePixelDataException {
        Part10Editor editor;
        try {
            editor = new Part10Editor(part10);
        } catch (MalformedDicomException e) {
            throw new UndecodablePixelDataException("the pixel data cannot be decoded");
        }
        long size = editor.decodedPixelBytes();
        if (size < 0) {
            throw new UndecodablePixelDataException("the image pixel description cannot be read");
        }
        if (size > maxDecodedBytes) {
            throw new PixelDataTooLargeException(size, maxDecodedBytes);
        }
        editor.requireDeclaredSizesFit();
        if (RLE.equals(editor.transferSyntax) || JPEG_LS.contains(editor.transferSyntax)) {
            editor.decodeFrames();
        } else if (!NATIVE.contains(editor.transferSyntax)) {
            try {
                editor = new Part10Editor(new java.io.ByteArrayInputStream(part10), true);
            } catch (MalformedDicomException e) {
                throw new UndecodablePixelDataException("the pixel data cannot be decoded");
            }
            // PixelMed leaves the YBR name in place, which would make every viewer misread the colours.
            String photometric = Attribute.getSingleStringValueOrEmptyString(editor.list, pixelMed(Tag.PhotometricInterpretation)).trim();
            if (photometric.startsWith("YBR")) {
                editor.root().put(Tag.PhotometricInterpretation, Vr.CS, "RGB");
            }
        }
        if (editor.list.get(pixelMed(Tag.PixelData)) instanceof OtherByteAttributeMultipleCompressedFrames) {
            throw new UndecodablePixelDataException("the pixel data cannot be decoded");
        }
        editor.transferSyntax = EXPLICIT_LITTLE_ENDIAN;
        return editor;
    }

    /**
     * Refuses JPEG, JPEG-LS and JPEG 2000 frames whose own header declares a larger image than
     * Rows and Columns, or whose header is not where it belongs ({@link CodestreamSize}): the
     * decoder would allocate the codestream's size first. RLE is Veil's own decoder, bounded by
     * the header (PS3.5 G), and has no such header to read.
     */
    private void requireDeclaredSizesFit() throws UndecodablePixelDataException {
        CodestreamSize.Family family = CodestreamSize.family(transferSyntax);
        if (family == CodestreamSize.Family.NONE
                || !(list.get(pixelMed(Tag.PixelData)) instanceof OtherByteAttributeMultipleCompressedFrames compressed)) {
            return;
        }
        long rows = integer(Tag.Rows);
        long columns = integer(Tag.Columns);
        byte[][] frames;
        try {
            frames = compressed.getFrames();
        } catch (RuntimeException e) {
            throw new UndecodablePixelDataException("the compressed frames cannot be read");
        }
        if (frames == null) {
            return;
        }
        for (byte[] frame : frames) {
            if (frame == null) {
                continue;
            }
            java.util.Optional<CodestreamSize.Size> declared = CodestreamSize.of(family, frame);
            if (declared.isEmpty()) {
                throw new UndecodablePixelDataException("a compressed frame's own header cannot be read");
            }
            if (declared.get().width() > columns || declared.get().height() > rows) {
                throw new UndecodablePixelDataException("a compressed frame declares a larger image than Rows and Columns");
            }
        }
    }

    /** RLE or JPEG-LS frames, decoded by Veil into native Pixel Data. */
    private void decodeFrames() throws UndecodablePixelDataException {
        if (!(list.get(pixelMed(Tag.PixelData)) instanceof OtherByteAttributeMultipleCompressedFrames compressed)) {
            return;
        }
        int rows = integer(Tag.Rows);
        int columns = integer(Tag.Columns);
        int samples = Math.max(1, integer(0x00280002));
        int allocated = integer(0x00280100);
        int frames = Math.max(1, integer(Tag.NumberOfFrames));
        boolean planar = samples > 1 && integer(0x00280006) == 1;
        byte[][] encoded = compressed.getFrames();
        if (rows <= 0 || columns <= 0 || encoded == null || encoded.length < frames || (allocated != 8 && allocated != 16 && allocated != 32)) {
            throw new UndecodablePixelDataException("the compressed frames do not match the image description");
        }
        int bytesPerSample = allocated / 8;
        long frameBytes = (long) rows * columns * samples * bytesPerSample;
        if (frameBytes * frames > Integer.MAX_VALUE - 8) {
            throw new UndecodablePixelDataException("the decoded pixel data is larger than the cleaning limit");
        }
        byte[] all = new byte[(int) (frameBytes * frames)];
        boolean decodedPlanar = planar;
        for (int f = 0; f < frames; f++) {
            byte[] frame;
            if (RLE.equals(transferSyntax)) {
                frame = RleDecoder.decode(encoded[f], rows, columns, samples, bytesPerSample, planar);
            } else {
                CharLs.Frame d = CharLs.decode(encoded[f]);
                if (d.width() != columns || d.height() != rows || d.components() != samples
                        || (d.bitsPerSample() > 8 ? 2 : 1) != Math.min(bytesPerSample, 2) || bytesPerSample > 2) {
                    throw new UndecodablePixelDataException("the JPEG-LS frame does not match the image description");
                }
                frame = d.planar() ? interleave(d.samples(), rows * columns, samples, bytesPerSample) : d.samples();
                decodedPlanar = false;
            }
            System.arraycopy(frame, 0, all, (int) (f * frameBytes), frame.length);
        }
        try {
            if (bytesPerSample == 1) {
                com.pixelmed.dicom.OtherByteAttribute a = new com.pixelmed.dicom.OtherByteAttribute(pixelMed(Tag.PixelData));
                a.setValues(all);
                list.put(a);
            } else {
                short[] words = new short[all.length / 2];
                java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(words);
                com.pixelmed.dicom.OtherWordAttribute a = new com.pixelmed.dicom.OtherWordAttribute(pixelMed(Tag.PixelData));
                a.setValues(words);
                list.put(a);
            }
            if (samples > 1) {
                putString(list, 0x0028, 0x0006, "US", decodedPlanar ? "1" : "0");
            }
        } catch (DicomException e) {
            throw new UndecodablePixelDataException("the decoded pixel data cannot be held");
        }
    }

    /** Plane after plane, as CharLS decodes JPEG-LS without interleave, to colour by pixel. */
    private static byte[] interleave(byte[] planes, int pixels, int samples, int bytesPerSample) {
        byte[] out = new byte[planes.length];
        for (int s = 0; s < samples; s++) {
            for (int p = 0; p < pixels; p++) {
                System.arraycopy(planes, (s * pixels + p) * bytesPerSample, out, (p * samples + s) * bytesPerSample, bytesPerSample);
            }
        }
        return out;
    }

    /**
     * The bytes the decoded pixel data takes (Rows x Columns x Samples per Pixel x whole bytes of
     * Bits Allocated x Number of Frames), from the header alone; -1 when one of them cannot be read.
     */
    public long decodedPixelBytes() {
        long rows = number(Tag.Rows, 0);
        long columns = number(Tag.Columns, 0);
        long samples = number(0x00280002, 1);
        long bits = number(0x00280100, 16);
        long frames = number(Tag.NumberOfFrames, 1);
        if (rows < 0 || columns < 0 || samples < 0 || bits < 0 || frames < 0) {
            return -1;
        }
        return rows * columns * samples * ((bits + 7) / 8) * frames;
    }

    private long number(int tag, long absent) {
        Optional<String> v = root().string(tag).map(String::trim).filter(x -> !x.isEmpty());
        if (v.isEmpty()) {
            return absent;
        }
        try {
            long n = Long.parseLong(v.get());
            return n < 0 || n > Integer.MAX_VALUE ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private int integer(int tag) {
        String s = Attribute.getSingleStringValueOrEmptyString(list, pixelMed(tag)).trim();
        try {
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The decoded pixel samples, to be cleaned in place and written back with
     * {@link PixelFrames#store()}; the instance must have been read with {@link #readDecoded}.
     */
    public PixelFrames pixels(long maxBytes) throws UndecodablePixelDataException {
        if (!EXPLICIT_LITTLE_ENDIAN.equals(transferSyntax)) {
            throw new IllegalStateException("pixels need an instance read with readDecoded");
        }
        return PixelFrames.of(list, maxBytes);
    }

    /** Sets one string value with the given VR, replacing the attribute. */
    static void putString(AttributeList list, int group, int element, String vr, String value) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(new AttributeTag(group, element), vr.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        a.addValue(value);
        list.put(a);
    }

    /** The attribute list, for the package's renderer. */
    AttributeList attributes() {
        return list;
    }

    /** The data set itself (File Meta Information included, as group 0002), for editing. */
    /**
     * Frame {@code n} (from 1) of an instance read with {@link #readDecoded}, as the native
     * little-endian bytes an {@code application/octet-stream} frame carries in Explicit VR Little
     * Endian (PS3.18 8.7.3.5): rows x columns x samples x BitsAllocated/8 bytes, in the image's
     * planar configuration. Whole-byte samples only.
     */
    public byte[] nativeFrame(int n) throws UndecodablePixelDataException {
        int rows = integer(Tag.Rows);
        int columns = integer(Tag.Columns);
        int samples = Math.max(1, integer(0x00280002));
        int allocated = integer(0x00280100);
        int frames = Math.max(1, integer(Tag.NumberOfFrames));
        if (rows <= 0 || columns <= 0 || (allocated != 8 && allocated != 16 && allocated != 32) || n < 1 || n > frames) {
            throw new UndecodablePixelDataException("the pixel data cannot be cut into whole-byte frames");
        }
        long frameBytes = (long) rows * columns * samples * (allocated / 8);
        Attribute pixels = list.get(pixelMed(Tag.PixelData));
        if (pixels == null || frameBytes * frames > Integer.MAX_VALUE - 8) {
            throw new UndecodablePixelDataException("the instance has no pixel data Veil can cut into frames");
        }
        byte[] out = new byte[(int) frameBytes];
        int from = (int) ((n - 1) * frameBytes);
        try {
            if (pixels instanceof com.pixelmed.dicom.OtherWordAttribute || allocated == 16 && pixels.getVR()[1] == 'W') {
                short[] words = pixels.getShortValues();
                if (allocated != 16 || (long) words.length * 2 < from + frameBytes) {
                    throw new UndecodablePixelDataException("the pixel data is shorter than its description");
                }
                for (int i = 0; i < out.length / 2; i++) {
                    short w = words[from / 2 + i];
                    out[2 * i] = (byte) w;
                    out[2 * i + 1] = (byte) (w >> 8);
                }
            } else {
                byte[] bytes = pixels.getByteValues();
                if (bytes == null || bytes.length < from + frameBytes) {
                    throw new UndecodablePixelDataException("the pixel data is shorter than its description");
                }
                System.arraycopy(bytes, from, out, 0, out.length);
            }
        } catch (DicomException e) {
            throw new UndecodablePixelDataException("the pixel data cannot be read");
        }
        return out;
    }

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

    /** Writes the instance in another transfer syntax: for fixtures whose frames were replaced by encapsulated ones. */
    public Part10Editor transferSyntax(String uid) {
        this.transferSyntax = uid;
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
            Attribute pixels = list.get(pixelMed(Tag.PixelData));
            // Exactly PixelMed's OW class (not a subclass with its own writing), as the last element.
            boolean bulk = EXPLICIT_LITTLE_ENDIAN.equals(transferSyntax) && pixels != null
                    && pixels.getClass() == com.pixelmed.dicom.OtherWordAttribute.class && list.lastKey().equals(pixels.getTag());
            ByteArrayOutputStream out = new ByteArrayOutputStream(bulk ? (int) Math.min(Integer.MAX_VALUE - 8L, pixels.getVL() + 65536) : 8192);
            if (!bulk) {
                list.write(out, transferSyntax, true, true);
                return out.toByteArray();
            }
            // The last element, after PixelMed has written all the others (NativeWords).
            list.remove(pixels.getTag());
            try {
                list.write(out, transferSyntax, true, true);
            } finally {
                list.put(pixels);
            }
            NativeWords.writeExplicit((com.pixelmed.dicom.OtherWordAttribute) pixels, out);
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
