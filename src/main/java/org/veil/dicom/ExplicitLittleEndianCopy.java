package org.veil.dicom;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A stored Implicit VR Little Endian or Deflated Explicit VR Little Endian instance written out
 * in Explicit VR Little Endian, the default of DICOM web services (PS3.18 8.7.3.4), without
 * decoding a single sample: the pixel bytes of every native little-endian syntax are already
 * Explicit VR Little Endian's.
 *
 * <p>Implicit VR: each element gets the VR the data dictionary gives its tag (private and unknown
 * tags UN, private creators LO, PS3.5 7.1.3); a value longer than a 16-bit length can hold becomes
 * UN (PS3.18 8.7.3.4 Note 3); sequences and items are written with undefined lengths, so no
 * length has to be recomputed, and group lengths, retired and wrong once headers grow, are left
 * out (PS3.5 7.2). Values are written byte for byte: from memory when small, copied straight from
 * the file when large (pixel data), so memory stays that of the header. Deflated: the File Meta
 * Information names the new syntax and the data set is inflated as it is written, within the
 * reader's bound on inflated bytes (it was inflated once already, to read it).
 *
 * <p>Memory is that of one parsed header (within the reader's bounds, as at STOW) and 64 KiB of
 * output at a time. A data set that is not what its syntax says (encapsulated pixel data under a
 * native syntax) or whose File Meta Information cannot be rewritten is refused before anything is
 * written, so the caller can send it as stored instead.
 */
public final class ExplicitLittleEndianCopy {
    /** Meta information larger than this is not rewritten (a file meta group is a few hundred bytes). */
    private static final int MAX_META_BYTES = 1024 * 1024;
    private static final byte[] DICM = {'D', 'I', 'C', 'M'};
    /** Headers and small values are gathered up to this much, then written. */
    private static final int FLUSH_BYTES = 64 * 1024;

    private final FileChannel file;
    private final DicomFile parsed;
    private final byte[] meta;
    private final long maxInflatedBytes;

    private ExplicitLittleEndianCopy(FileChannel file, DicomFile parsed, byte[] meta, long maxInflatedBytes) {
        this.file = file;
        this.parsed = parsed;
        this.meta = meta;
        this.maxInflatedBytes = maxInflatedBytes;
    }

    /** The stored syntaxes this copies from. */
    public static boolean copies(TransferSyntax ts) {
        return ts == TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN || ts == TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
    }

    /**
     * Reads the instance's header (large values are located, not loaded) so that a data set
     * that does not read is found before anything is written.
     */
    public static ExplicitLittleEndianCopy prepare(FileChannel file, DicomReader.Limits limits)
            throws IOException, MalformedDicomException {
        file.position(0);
        DicomFile parsed = DicomReader.read(new java.io.BufferedInputStream(Channels.newInputStream(file), 64 * 1024), limits);
        if (!copies(parsed.transferSyntax())) {
            throw new IllegalArgumentException("not an Implicit VR or Deflated Little Endian instance");
        }
        requireNative(parsed.dataset());
        return new ExplicitLittleEndianCopy(file, parsed, meta(file, parsed.meta()), limits.maxInflatedBytes());
    }

    /**
     * Encapsulated pixel data (fragments, undefined length) under a native syntax contradicts the
     * File Meta Information; the data set is then not what its syntax says, and is not rewritten.
     */
    private static void requireNative(Dataset ds) throws MalformedDicomException {
        for (Element e : ds) {
            if (e.isEncapsulated()) {
                throw new MalformedDicomException("encapsulated pixel data in a native transfer syntax");
            }
            if (e.isSequence()) {
                for (Dataset item : e.items()) {
                    requireNative(item);
                }
            }
        }
    }

    /** Preamble, prefix and File Meta Information, its group length recomputed, its syntax ELE. */
    private static byte[] meta(FileChannel file, Dataset meta) throws IOException, MalformedDicomException {
        ByteArrayOutputStream group = new ByteArrayOutputStream();
        for (Element e : meta) {
            if (e.tag() == Tag.FileMetaInformationGroupLength) {
                continue;
            }
            byte[] value = e.tag() == Tag.TransferSyntaxUID
                    ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid().getBytes(StandardCharsets.US_ASCII)
                    : valueOf(file, e);
            if (value.length % 2 != 0) {
                // Values have an even length: UIDs and binary values padded with NUL, text with a
                // space (PS3.5 6.2, 9.1).
                value = java.util.Arrays.copyOf(value, value.length + 1);
                value[value.length - 1] = e.vr() == Vr.UI || e.vr().isBulk() ? 0 : (byte) ' ';
            }
            if (!e.vr().longHeader() && value.length > 0xFFFE) {
                throw new MalformedDicomException("File Meta Information value too long for its VR");
            }
            header(group, e.tag(), e.vr(), value.length);
            group.writeBytes(value);
            if (group.size() > MAX_META_BYTES) {
                throw new MalformedDicomException("File Meta Information too large to rewrite");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(144 + group.size());
        out.write(new byte[128], 0, 128);
        out.writeBytes(DICM);
        header(out, Tag.FileMetaInformationGroupLength, Vr.UL, 4);
        writeInt(out, group.size());
        group.writeTo(out);
        return out.toByteArray();
    }

    private static byte[] valueOf(FileChannel file, Element e) throws IOException, MalformedDicomException {
        if (e.isLoaded()) {
            return e.value();
        }
        if (e.length() > MAX_META_BYTES || e.isSequence() || e.isEncapsulated()) {
            throw new MalformedDicomException("File Meta Information too large to rewrite");
        }
        ByteBuffer b = ByteBuffer.allocate((int) e.length());
        while (b.hasRemaining()) {
            if (file.read(b, e.offset() + b.position()) < 0) {
                throw new EOFException("stored instance is shorter than its header says");
            }
        }
        return b.array();
    }

    /** Writes the instance in Explicit VR Little Endian. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(meta);
        if (parsed.transferSyntax() == TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) {
            file.position(parsed.datasetOffset());
            Inflater inflater = new Inflater(true);
            try {
                InputStream in = new InflaterInputStream(Channels.newInputStream(file), inflater, 64 * 1024);
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    if (total > maxInflatedBytes) {
                        throw new IOException("deflated data set inflates beyond its bound");
                    }
                    out.write(buf, 0, n);
                }
            } finally {
                // The inflater's native memory is freed now, not when it is collected.
                inflater.end();
            }
            return;
        }
        ByteArrayOutputStream pending = new ByteArrayOutputStream(8 * 1024);
        writeDataset(parsed.dataset(), pending, out);
        pending.writeTo(out);
    }

    private void writeDataset(Dataset ds, ByteArrayOutputStream pending, OutputStream out) throws IOException {
        for (Element e : ds) {
            if (Tag.isGroupLength(e.tag())) {
                continue;
            }
            if (e.isSequence()) {
                header(pending, e.tag(), Vr.SQ, Element.UNDEFINED_LENGTH);
                for (Dataset item : e.items()) {
                    delimiter(pending, Tag.Item, Element.UNDEFINED_LENGTH);
                    writeDataset(item, pending, out);
                    delimiter(pending, Tag.ItemDelimitationItem, 0);
                }
                delimiter(pending, Tag.SequenceDelimitationItem, 0);
                continue;
            }
            Vr vr = !e.vr().longHeader() && e.length() > 0xFFFE ? Vr.UN : e.vr();
            header(pending, e.tag(), vr, e.length());
            if (e.isLoaded()) {
                pending.writeBytes(e.value());
                if (pending.size() >= FLUSH_BYTES) {
                    pending.writeTo(out);
                    pending.reset();
                }
            } else {
                // A large value: what is pending goes first, then the value straight from the file.
                pending.writeTo(out);
                pending.reset();
                RangeCopier.copyFileRange(file, e.offset(), e.length(), out);
            }
        }
    }

    /** An explicit VR element header (PS3.5 Table 7.1-1 and 7.1-2). */
    private static void header(ByteArrayOutputStream out, int tag, Vr vr, long length) {
        writeShort(out, Tag.group(tag));
        writeShort(out, Tag.element(tag));
        out.write(vr.name().charAt(0));
        out.write(vr.name().charAt(1));
        if (vr.longHeader()) {
            writeShort(out, 0);
            writeInt(out, length);
        } else {
            writeShort(out, (int) length);
        }
    }

    private static void delimiter(ByteArrayOutputStream out, int tag, long length) {
        writeShort(out, Tag.group(tag));
        writeShort(out, Tag.element(tag));
        writeInt(out, length);
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
    }

    private static void writeInt(ByteArrayOutputStream out, long v) {
        writeShort(out, (int) (v & 0xFFFF));
        writeShort(out, (int) ((v >>> 16) & 0xFFFF));
    }
}
