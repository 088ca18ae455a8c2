package org.veil.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Copies byte ranges of a stored instance to an output. Offsets are those of {@link DicomFile}:
 * file offsets, except in a deflated data set, where they count inflated bytes and the data set
 * is inflated again up to the range.
 */
public final class RangeCopier {
    private RangeCopier() {
    }

    public static void copyWhole(FileChannel file, OutputStream out) throws IOException {
        copyFileRange(file, 0, file.size(), out);
    }

    public static void copy(FileChannel file, long datasetOffset, TransferSyntax ts, FrameIndex.Range range,
                            OutputStream out) throws IOException {
        if (ts != TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) {
            copyFileRange(file, range.offset(), range.length(), out);
            return;
        }
        file.position(datasetOffset);
        InputStream in = new InflaterInputStream(Channels.newInputStream(file), new Inflater(true));
        in.skipNBytes(range.offset() - datasetOffset);
        byte[] buf = new byte[64 * 1024];
        long left = range.length();
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("stored instance is shorter than its index says");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    /**
     * Bytes [start, end) of the content the ranges make together (a frame's fragments, a bulk
     * data value), straight from the file. Not for deflated data sets, whose file bytes are not
     * the content's.
     */
    public static void copyPart(FileChannel file, List<FrameIndex.Range> ranges, long start, long end, OutputStream out)
            throws IOException {
        long at = 0;
        for (FrameIndex.Range r : ranges) {
            long from = Math.max(start, at);
            long to = Math.min(end, at + r.length());
            if (from < to) {
                copyFileRange(file, r.offset() + (from - at), to - from, out);
            }
            at += r.length();
        }
    }

    /** Bytes [offset, offset + length) of the file, as they are. */
    static void copyFileRange(FileChannel file, long offset, long length, OutputStream out) throws IOException {
        if (out instanceof FileRangeOutput direct) {
            direct.writeFileRange(file, offset, length);
            return;
        }
        copyThroughHeap(file, offset, length, out);
    }

    /** The same, through a heap buffer: for an output that cannot take file ranges itself. */
    public static void copyThroughHeap(FileChannel file, long offset, long length, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(256 * 1024, Math.max(length, 1)));
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            int n = file.read(buf, pos);
            if (n < 0) {
                throw new EOFException("stored instance is shorter than its index says");
            }
            out.write(buf.array(), 0, n);
            pos += n;
        }
    }
}
