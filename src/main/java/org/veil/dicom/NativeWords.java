package org.veil.dicom;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherWordAttribute;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * Native 16-bit Pixel Data moved between a Part 10 file and PixelMed's {@link OtherWordAttribute}
 * in bulk. PixelMed reads and writes OW values one short at a time through its binary streams:
 * for a 512x512 CT that was a quarter of a de-identification's CPU (docs/benchmarks.md). Here the
 * header before the Pixel Data goes through PixelMed as before, and the samples are converted
 * with one {@link java.nio.ShortBuffer} copy each way.
 *
 * <p>Only the plain case is taken: Little Endian, not deflated, Pixel Data the last element of
 * the top-level data set, of defined even length that ends the file, OW (stated, or in Implicit
 * VR with Bits Allocated 16, where PixelMed reads it as OW too). Anything else, and any doubt
 * Veil's own reader has about the file, leaves the whole file to PixelMed: the result is the same
 * attribute list either way ({@code NativeWordsTest} compares both).
 */
final class NativeWords {
    private static final int BITS_ALLOCATED = 0x00280100;

    /** Where the Pixel Data element starts (its tag) and where its value lies. */
    record Split(int elementStart, int valueOffset, int length) {
        /** The bytes before the Pixel Data element, for PixelMed. */
        ByteArrayInputStream header(byte[] part10) {
            return new ByteArrayInputStream(part10, 0, elementStart);
        }

        /** The samples as PixelMed holds them. */
        OtherWordAttribute attribute(byte[] part10) throws DicomException {
            short[] words = new short[length / 2];
            ByteBuffer.wrap(part10, valueOffset, length).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(words);
            // Made here, not held in a static field: PixelMed is initialised at run time in the native image.
            OtherWordAttribute a = new OtherWordAttribute(new AttributeTag(0x7FE0, 0x0010));
            a.setValues(words);
            return a;
        }
    }

    private NativeWords() {
    }

    /** The split of a file whose Pixel Data can be moved in bulk; empty when PixelMed must read it all. */
    static Optional<Split> locate(byte[] part10) {
        DicomFile file;
        try {
            file = DicomReader.read(new ByteArrayInputStream(part10), DicomReader.Limits.DEFAULT);
        } catch (IOException | MalformedDicomException | RuntimeException e) {
            return Optional.empty();
        }
        TransferSyntax ts = file.transferSyntax();
        if (ts != TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN && ts != TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN) {
            return Optional.empty();
        }
        List<Element> elements = file.dataset().elements();
        if (elements.isEmpty()) {
            return Optional.empty();
        }
        Element last = elements.get(elements.size() - 1);
        boolean words = ts.isImplicitVr() ? file.dataset().integer(BITS_ALLOCATED).orElse(0) == 16 : last.vr() == Vr.OW;
        if (last.tag() != Tag.PixelData || !words || last.isEncapsulated() || last.isSequence()
                || last.length() == Element.UNDEFINED_LENGTH || last.length() % 2 != 0
                || last.offset() + last.length() != part10.length) {
            return Optional.empty();
        }
        int header = ts.isImplicitVr() ? 8 : 12;
        return Optional.of(new Split((int) last.offset() - header, (int) last.offset(), (int) last.length()));
    }

    /**
     * Writes OW Pixel Data as the last element of an Explicit VR Little Endian data set (PS3.5
     * 7.1.2: tag, "OW", two reserved bytes, a 32-bit length).
     */
    static void writeExplicit(OtherWordAttribute pixels, OutputStream out) throws IOException, DicomException {
        short[] words = pixels.getShortValues();
        ByteBuffer element = ByteBuffer.allocate(12 + words.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        element.putShort((short) 0x7FE0).putShort((short) 0x0010).put((byte) 'O').put((byte) 'W').putShort((short) 0)
                .putInt(words.length * 2);
        element.asShortBuffer().put(words);
        out.write(element.array());
    }
}
