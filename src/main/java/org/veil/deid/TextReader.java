package org.veil.deid;

import java.util.List;

/** Reads the words of a grey image that holds one line of dark text on a light background. */
public interface TextReader {

    /**
     * A word as read, with the reader's confidence (0 to 100) and its vertical extent in the image.
     */
    record Word(String text, float confidence, int top, int bottom) {
    }

    /** Reads the words; throws {@link Unavailable} when this reader cannot read here at all. */
    List<Word> read(byte[] grey, int width, int height);

    /** The reader cannot work here (e.g. its model is not installed): nothing it was asked to read has been read. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }
}
