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

    /**
     * The inflated bytes copying these ranges in this order costs a deflated data set: a range at
     * or after the last one's end goes on inflating, one before it inflates again from the data
     * set's start. Ranges in file order cost the data set once; the same ranges backwards, once
     * per range (a 250 KB file may inflate to 250 MB: 256 frames asked for backwards, 60 GB).
     */
    public static long inflatedCost(long datasetOffset, List<FrameIndex.Range> ranges) {
        long at = datasetOffset;
        long cost = 0;
        for (FrameIndex.Range r : ranges) {
            if (r.offset() < at) {
                at = datasetOffset;
            }
            cost += r.offset() + r.length() - at;
            at = r.offset() + r.length();
        }
        return cost;
    }

    /**
     * Copies ranges of one stored instance, in the order given, to outputs. In a deflated data
     * set the inflating stream is kept between ranges and goes forward, so ranges in file order
     * inflate the data set once ({@link #inflatedCost}).
     */
    public static final class Sequence {
        private final FileChannel file;
        private final long datasetOffset;
        private final boolean deflated;
        private Inflater inflater;
        private InputStream in;
        private long at;

        public Sequence(FileChannel file, long datasetOffset, TransferSyntax ts) {
            this.file = file;
            this.datasetOffset = datasetOffset;
            this.deflated = ts == TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
        }

        public void copy(FrameIndex.Range range, OutputStream out) throws IOException {
            if (!deflated) {
                copyFileRange(file, range.offset(), range.length(), out);
                return;
            }
            if (in == null || range.offset() < at) {
                restart();
            }
            in.skipNBytes(range.offset() - at);
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
            at = range.offset() + range.length();
        }

        /** From the data set's start; the previous stream is dropped, not closed, which would close the file. */
        private void restart() throws IOException {
            if (inflater != null) {
                inflater.end();
            }
            file.position(datasetOffset);
            inflater = new Inflater(true);
            in = new InflaterInputStream(Channels.newInputStream(file), inflater, 64 * 1024);
            at = datasetOffset;
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
