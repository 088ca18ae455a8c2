package org.veil.deid;

import java.util.List;

/** Reads the words of a grey image that holds one line of dark text on a light background. */
public interface TextReader {

    /**
     * A word as read, with the reader's confidence (0 to 100) and its vertical extent in the image.
     */
    record Word(String text, float confidence, int top, int bottom) {
    }

    List<Word> read(byte[] grey, int width, int height);
}
