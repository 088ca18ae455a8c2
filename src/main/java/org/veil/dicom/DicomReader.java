package org.veil.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Reads a Part 10 stream (PS3.10 7.1, PS3.5 7) up to its end without holding large values:
 * binary values above {@code inlineLimit} are skipped and located by offset, so that a 2 GB
 * instance costs a few kilobytes of heap. Every length is checked against the limits before any
 * allocation, because STOW bodies are untrusted.
 */
public final class DicomReader {
    private static final int MAX_DEPTH = 32;
    private static final int BOT_READ_LIMIT = 4 * 65536;

    /**
     * @param inlineLimit binary values longer than this are left on disk
     * @param maxValueLength the longest non-binary value accepted
     * @param maxHeapBytes the most value bytes held for one object
     */
    public record Limits(int inlineLimit, int maxValueLength, long maxHeapBytes, int maxElements, int maxFragments,
                         long maxInflatedBytes) {
        public static final Limits DEFAULT = new Limits(1024, 16 * 1024 * 1024, 64L * 1024 * 1024);

        /** With the default bounds on elements (and items), fragments and inflated size. */
        public Limits(int inlineLimit, int maxValueLength, long maxHeapBytes) {
            this(inlineLimit, maxValueLength, maxHeapBytes, 1_000_000, 1_000_000, 256L * 1024 * 1024);
        }
    }

    private final Limits limits;
    private long heapBytes;
    /** Elements and items read so far, at every depth: each costs an object, so their number is bounded. */
    private long elements;
    private long fragmentCount;

    private DicomReader(Limits limits) {
        this.limits = limits;
    }

    public static DicomFile read(InputStream in, Limits limits) throws IOException, MalformedDicomException {
        return new DicomReader(limits).readPart10(in);
    }

    /**
     * The SOP Class and Instance UIDs of a Part 10 file that does not read as a whole: from the
     * data set as far as it reads (they come early, in group 0008), else from the File Meta
     * Information (Media Storage SOP Class and Instance UID); null where neither holds a valid
     * UID. Never throws: it only names a failed instance in a STOW response (PS3.18 10.5.3).
     */
    public static String[] salvageSopUids(InputStream raw, Limits limits) {
        DicomReader reader = new DicomReader(limits);
        Dataset meta = new Dataset(false, null);
        Dataset dataset = new Dataset(false, null);
        try {
            CountingInput in = new CountingInput(raw, 0);
            in.skipFully(128);
            if (in.u32(true) == 0x4449434DL) {
                while (!in.atEnd() && in.peekU16(false) == 0x0002) {
                    add(meta, reader.readElement(in, meta, false, false, 0));
                }
                TransferSyntax ts = meta.string(Tag.TransferSyntaxUID).flatMap(TransferSyntax::forUid).orElse(null);
                if (ts != null && ts != TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) {
                    dataset = new Dataset(ts.isBigEndian(), null);
                    while (!in.atEnd()) {
                        Element e = reader.readElement(in, dataset, ts.isImplicitVr(), ts.isBigEndian(), 0);
                        if (Integer.compareUnsigned(e.tag(), Tag.SOPInstanceUID) > 0) {
                            break;
                        }
                        add(dataset, e);
                    }
                }
            }
        } catch (IOException | MalformedDicomException | RuntimeException e) {
            // What was read before the fault stands; the rest is what made the file unreadable.
        }
        return new String[] {valid(dataset, Tag.SOPClassUID).or(() -> valid(meta, Tag.MediaStorageSOPClassUID)).orElse(null),
                valid(dataset, Tag.SOPInstanceUID).or(() -> valid(meta, Tag.MediaStorageSOPInstanceUID)).orElse(null)};
    }

    private static java.util.Optional<String> valid(Dataset ds, int tag) {
        try {
            return ds.string(tag).filter(InstanceParser::isValidUid);
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private DicomFile readPart10(InputStream raw) throws IOException, MalformedDicomException {
        CountingInput in = new CountingInput(raw, 0);
        try {
            in.skipFully(128);
            if (in.u32(true) != 0x4449434DL) {
                throw new MalformedDicomException("not a DICOM Part 10 file: no DICM prefix");
            }
        } catch (EOFException e) {
            throw new MalformedDicomException("not a DICOM Part 10 file: shorter than its preamble");
        }
        Dataset meta = new Dataset(false, null);
        try {
            while (!in.atEnd() && in.peekU16(false) == 0x0002) {
                add(meta, readElement(in, meta, false, false, 0));
            }
        } catch (EOFException e) {
            throw new MalformedDicomException("truncated File Meta Information");
        }
        String tsUid = meta.string(Tag.TransferSyntaxUID)
                .orElseThrow(() -> new MalformedDicomException("File Meta Information has no TransferSyntaxUID"));
        TransferSyntax ts = TransferSyntax.forUid(tsUid).orElseThrow(() -> new UnknownTransferSyntaxException(
                meta.string(Tag.MediaStorageSOPClassUID).orElse(null), meta.string(Tag.MediaStorageSOPInstanceUID).orElse(null)));
        long datasetOffset = in.position();
        if (ts == TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) {
            // A megabyte of deflate can stand for a gigabyte: the inflated bytes are counted and bounded.
            in = new CountingInput(new Bounded(new InflaterInputStream(in.remainder(), new Inflater(true)),
                    limits.maxInflatedBytes()), datasetOffset);
        }
        Dataset dataset = new Dataset(ts.isBigEndian(), null);
        try {
            readUntilEnd(in, dataset, ts.isImplicitVr(), ts.isBigEndian());
        } catch (EOFException e) {
            throw new MalformedDicomException("truncated data set");
        } catch (java.util.zip.ZipException e) {
            throw new MalformedDicomException("deflated data set cannot be inflated");
        } catch (Bounded.Exceeded e) {
            throw new MalformedDicomException("deflated data set inflates to more than " + limits.maxInflatedBytes() + " bytes");
        }
        return new DicomFile(meta, dataset, ts, datasetOffset);
    }

    private void readUntilEnd(CountingInput in, Dataset ds, boolean implicit, boolean bigEndian)
            throws IOException, MalformedDicomException {
        while (!in.atEnd()) {
            add(ds, readElement(in, ds, implicit, bigEndian, 0));
        }
    }

    private Element readElement(CountingInput in, Dataset owner, boolean implicit, boolean bigEndian, int depth)
            throws IOException, MalformedDicomException {
        count();
        int tag = (in.u16(bigEndian) << 16) | in.u16(bigEndian);
        if (Tag.group(tag) == 0xFFFE) {
            throw new MalformedDicomException("item tag outside a sequence");
        }
        Vr vr;
        long length;
        if (implicit) {
            vr = DataDictionary.vrForTag(tag, owner.signedPixels());
            length = in.u32(bigEndian);
        } else {
            int b0 = in.u16(true);
            vr = Vr.fromBytes(b0 >>> 8, b0 & 0xFF);
            if (vr == null) {
                throw new MalformedDicomException("invalid VR for element " + Tag.toHex(tag));
            }
            if (vr.longHeader()) {
                in.u16(bigEndian);
                length = in.u32(bigEndian);
            } else {
                length = in.u16(bigEndian);
            }
        }
        long offset = in.position();
        if (length == Element.UNDEFINED_LENGTH) {
            if (tag == Tag.PixelData && vr != Vr.SQ && vr != Vr.UN) {
                // PS3.5 A.4: encapsulated Pixel Data is OB, whatever VR the writer put on it.
                return new Element(tag, Vr.OB, offset, length, null, null, readFragments(in, bigEndian));
            }
            if (vr == Vr.SQ || vr == Vr.UN || implicit) {
                // CP-246: UN with undefined length is a sequence encoded as Implicit VR Little Endian.
                boolean itemsImplicit = implicit || vr == Vr.UN;
                return new Element(tag, Vr.SQ, offset, length, null,
                        readItems(in, owner, itemsImplicit, itemsImplicit ? false : bigEndian, -1, depth), null);
            }
            throw new MalformedDicomException("undefined length on element " + Tag.toHex(tag));
        }
        if (vr == Vr.SQ) {
            return new Element(tag, vr, offset, length, null,
                    readItems(in, owner, implicit, bigEndian, offset + length, depth), null);
        }
        if (vr.isBulk() && length > limits.inlineLimit()) {
            in.skipFully(length);
            return new Element(tag, vr, offset, length, null, null, null);
        }
        if (length > limits.maxValueLength()) {
            throw new MalformedDicomException("value of element " + Tag.toHex(tag) + " exceeds the length limit");
        }
        return new Element(tag, vr, offset, length, take(in, (int) length), null, null);
    }

    private static void add(Dataset ds, Element e) throws MalformedDicomException {
        if (!ds.accepts(e.tag())) {
            throw new MalformedDicomException("element " + Tag.toHex(e.tag()) + " is repeated or out of order (PS3.5 7.1)");
        }
        ds.add(e);
    }

    private List<Dataset> readItems(CountingInput in, Dataset owner, boolean implicit, boolean bigEndian,
                                    long end, int depth) throws IOException, MalformedDicomException {
        if (depth >= MAX_DEPTH) {
            throw new MalformedDicomException("sequences nested too deeply");
        }
        List<Dataset> items = new ArrayList<>();
        while (end < 0 || in.position() < end) {
            int tag = (in.u16(bigEndian) << 16) | in.u16(bigEndian);
            long length = in.u32(bigEndian);
            if (tag == Tag.SequenceDelimitationItem) {
                if (end >= 0) {
                    throw new MalformedDicomException("sequence delimiter inside a sequence of defined length");
                }
                return items;
            }
            if (tag != Tag.Item) {
                throw new MalformedDicomException("expected an item in sequence, found " + Tag.toHex(tag));
            }
            count();
            Dataset item = new Dataset(bigEndian, owner);
            if (length == Element.UNDEFINED_LENGTH) {
                while (true) {
                    if (isItemDelimiter(in, bigEndian)) {
                        in.skipFully(8);
                        break;
                    }
                    add(item, readElement(in, item, implicit, bigEndian, depth + 1));
                }
            } else {
                long itemEnd = in.position() + length;
                while (in.position() < itemEnd) {
                    add(item, readElement(in, item, implicit, bigEndian, depth + 1));
                }
                if (in.position() != itemEnd) {
                    throw new MalformedDicomException("item length does not match its contents");
                }
            }
            items.add(item);
        }
        if (in.position() != end) {
            throw new MalformedDicomException("sequence length does not match its items");
        }
        return items;
    }

    private static boolean isItemDelimiter(CountingInput in, boolean bigEndian) throws IOException {
        int lead = in.peekLeading();
        int delimiter = bigEndian ? 0xFFFEE00D : 0xFEFF0DE0;
        return lead == delimiter;
    }

    /** Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item, then one item per fragment. */
    private List<Fragment> readFragments(CountingInput in, boolean bigEndian) throws IOException, MalformedDicomException {
        List<Fragment> fragments = new ArrayList<>();
        while (true) {
            int tag = (in.u16(bigEndian) << 16) | in.u16(bigEndian);
            long length = in.u32(bigEndian);
            if (tag == Tag.SequenceDelimitationItem) {
                return fragments;
            }
            if (tag != Tag.Item || length == Element.UNDEFINED_LENGTH) {
                throw new MalformedDicomException("malformed encapsulated pixel data");
            }
            if (++fragmentCount > limits.maxFragments()) {
                throw new MalformedDicomException("more than " + limits.maxFragments() + " fragments of pixel data");
            }
            long offset = in.position();
            int leading = length >= 4 ? in.peekLeading() : 0;
            if (fragments.isEmpty() && length > BOT_READ_LIMIT) {
                throw new MalformedDicomException("basic offset table too long");
            }
            in.skipFully(length);
            fragments.add(new Fragment(offset, length, leading));
        }
    }

    private void count() throws MalformedDicomException {
        if (++elements > limits.maxElements()) {
            throw new MalformedDicomException("more than " + limits.maxElements() + " data elements and items");
        }
    }

    /** The inflated stream of a deflated data set, refusing to yield more than its bound. */
    private static final class Bounded extends java.io.FilterInputStream {
        static final class Exceeded extends IOException {
            Exceeded() {
                super("inflated size bound exceeded");
            }
        }

        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++read > max) {
                throw new Exceeded();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (read += n) > max) {
                throw new Exceeded();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, max - read + 1));
            if ((read += skipped) > max) {
                throw new Exceeded();
            }
            return skipped;
        }
    }

    private byte[] take(CountingInput in, int length) throws IOException, MalformedDicomException {
        heapBytes += length;
        if (heapBytes > limits.maxHeapBytes()) {
            throw new MalformedDicomException("header values exceed the memory limit");
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }
}
