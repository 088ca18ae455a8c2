package org.veil.deid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Veil's data files under {@code deid/} on the class path, read with the caller's parser. They are
 * part of the build: one that cannot be read is a broken build, not a condition to handle.
 */
final class ShippedData {

    interface Parser<T> {
        T parse(InputStream in) throws IOException;
    }

    private ShippedData() {
    }

    static <T> T read(String name, Parser<T> parser) {
        try (InputStream in = ShippedData.class.getResourceAsStream("/deid/" + name)) {
            if (in == null) {
                throw new IllegalStateException("deid/" + name + " is not on the class path");
            }
            return parser.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
