package org.veil.dicom;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where each frame of an instance's pixel data lies, computed once at store time so that frame
 * retrieval (PS3.18 10.4.1.1.4) reads exactly those bytes and never parses the file again.
 * A frame is one or more byte ranges: native frames are one range each; encapsulated frames are
 * the values of their fragments (PS3.5 A.4), concatenated.
 */
public record FrameIndex(List<List<Range>> frames) {

    /** A byte range in the instance's (decoded) stream. */
    public record Range(long offset, long length) {
    }

    public int count() {
        return frames.size();
    }

    /** The frames of the top-level Pixel Data, or empty when the instance has none. */
    public static Optional<FrameIndex> of(Dataset ds) {
        Optional<Element> pixelData = ds.get(Tag.PixelData);
        if (pixelData.isEmpty()) {
            return Optional.empty();
        }
        int frames = Math.max(1, ds.integer(Tag.NumberOfFrames).orElse(1));
        Element pd = pixelData.get();
        if (pd.isEncapsulated()) {
            return Optional.of(new FrameIndex(encapsulated(pd.fragments(), frames)));
        }
        return Optional.of(new FrameIndex(nativeFrames(ds, pd, frames)));
    }

    private static List<List<Range>> nativeFrames(Dataset ds, Element pd, int frames) {
        long rows = ds.integer(Tag.Rows).orElse(0);
        long columns = ds.integer(Tag.Columns).orElse(0);
        long samples = ds.integer(Tag.SamplesPerPixel).orElse(1);
        long bits = ds.integer(Tag.BitsAllocated).orElse(8);
        long frameBits;
        long allFrames;
        try {
            frameBits = Math.multiplyExact(Math.multiplyExact(rows, columns), Math.multiplyExact(samples, bits));
            allFrames = Math.multiplyExact(frameBits / 8, (long) frames);
        } catch (ArithmeticException e) {
            // Header values no pixel data can hold: served whole, as data that does not divide.
            return List.of(List.of(new Range(pd.offset(), pd.length())));
        }
        // Bit-packed frames (BitsAllocated 1) need not start on a byte; serve such data whole.
        if (frameBits <= 0 || frameBits % 8 != 0 || allFrames > pd.length()) {
            return List.of(List.of(new Range(pd.offset(), pd.length())));
        }
        return new UniformFrames(pd.offset(), frameBits / 8, frames);
    }

    /**
     * Native frames, one after another (PS3.5 8.2): each frame's range is computed when asked, so
     * an index costs the same for one frame as for a million, and is stored as one run.
     */
    private static final class UniformFrames extends java.util.AbstractList<List<Range>> {
        private static final char MARK = '#';
        private final long offset;
        private final long length;
        private final int count;

        UniformFrames(long offset, long length, int count) {
            this.offset = offset;
            this.length = length;
            this.count = count;
        }

        @Override
        public List<Range> get(int i) {
            java.util.Objects.checkIndex(i, count);
            return List.of(new Range(offset + i * length, length));
        }

        @Override
        public int size() {
            return count;
        }

        String encode() {
            return MARK + Integer.toString(count) + '*' + offset + '+' + length;
        }

        static UniformFrames decode(String s) {
            int star = s.indexOf('*');
            int plus = s.indexOf('+', star);
            return new UniformFrames(Long.parseLong(s.substring(star + 1, plus)), Long.parseLong(s.substring(plus + 1)),
                    Integer.parseInt(s.substring(1, star)));
        }
    }

    private static List<List<Range>> encapsulated(List<Fragment> fragments, int frames) {
        List<Fragment> data = fragments.subList(Math.min(1, fragments.size()), fragments.size());
        List<List<Range>> out = new ArrayList<>();
        if (frames == 1) {
            out.add(data.stream().map(f -> new Range(f.offset(), f.length())).toList());
        } else if (data.size() == frames) {
            data.forEach(f -> out.add(List.of(new Range(f.offset(), f.length()))));
        } else {
            // Several fragments per frame and no one-to-one layout: a frame starts at the fragment
            // that opens a new JPEG or JPEG 2000 codestream (PS3.5 A.4.1, A.4.4).
            List<Range> current = null;
            for (Fragment f : data) {
                if (current == null || f.startsImage()) {
                    current = new ArrayList<>();
                    out.add(current);
                }
                current.add(new Range(f.offset(), f.length()));
            }
        }
        return out;
    }

    /** Compact text form for the index: frames separated by ';', ranges as offset+length. */
    public String encode() {
        if (frames instanceof UniformFrames uniform) {
            return uniform.encode();
        }
        StringBuilder sb = new StringBuilder();
        for (List<Range> frame : frames) {
            if (!sb.isEmpty()) {
                sb.append(';');
            }
            for (int i = 0; i < frame.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(frame.get(i).offset).append('+').append(frame.get(i).length);
            }
        }
        return sb.toString();
    }

    public static FrameIndex decode(String s) {
        List<List<Range>> frames = new ArrayList<>();
        if (s == null || s.isEmpty()) {
            return new FrameIndex(frames);
        }
        if (s.charAt(0) == UniformFrames.MARK) {
            return new FrameIndex(UniformFrames.decode(s));
        }
        for (String frame : s.split(";")) {
            List<Range> ranges = new ArrayList<>();
            if (!frame.isEmpty()) {
                for (String r : frame.split(",")) {
                    int plus = r.indexOf('+');
                    ranges.add(new Range(Long.parseLong(r.substring(0, plus)), Long.parseLong(r.substring(plus + 1))));
                }
            }
            frames.add(ranges);
        }
        return new FrameIndex(frames);
    }
}
