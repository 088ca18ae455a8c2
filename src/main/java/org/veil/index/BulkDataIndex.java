package org.veil.index;

import java.util.LinkedHashMap;
import java.util.Map;
import org.veil.dicom.FrameIndex;

/** The text form of an instance's bulk data locations: {@code path offset+length} per line. */
final class BulkDataIndex {
    private BulkDataIndex() {
    }

    static String encode(Map<String, FrameIndex.Range> bulk) {
        StringBuilder sb = new StringBuilder();
        bulk.forEach((path, r) -> sb.append(path).append(' ').append(r.offset()).append('+').append(r.length()).append('\n'));
        return sb.toString();
    }

    static Map<String, FrameIndex.Range> decode(String s) {
        Map<String, FrameIndex.Range> out = new LinkedHashMap<>();
        if (s == null) {
            return out;
        }
        for (String line : s.split("\n")) {
            int space = line.indexOf(' ');
            int plus = line.indexOf('+', space);
            if (space > 0 && plus > space) {
                out.put(line.substring(0, space), new FrameIndex.Range(
                        Long.parseLong(line.substring(space + 1, plus)), Long.parseLong(line.substring(plus + 1))));
            }
        }
        return out;
    }
}
