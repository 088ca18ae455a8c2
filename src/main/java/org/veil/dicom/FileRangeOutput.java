package org.veil.dicom;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * An output that can take a range of a file's bytes itself, without them passing through the
 * Java heap: {@link RangeCopier} hands such an output whole file ranges instead of copying them
 * through a heap buffer.
 */
public interface FileRangeOutput {
    /** Sends bytes [offset, offset + length) of the file, after everything written before. */
    void writeFileRange(FileChannel file, long offset, long length) throws IOException;
}
