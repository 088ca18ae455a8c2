package org.veil.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a derivative may keep of the attributes PS3.15 Table E.1-1 does not list: the generated
 * file {@code deid/attribute-policy.tsv} (docs/deidentification.md, "Default deny"). An attribute
 * it does not name is removed.
 */
final class AttributePolicy {

    /** The treatments of the file's fourth column; the file's header says why each is safe. */
    enum Treatment { NUMBER, CODE, TEXT, CODED, UID, DATE, DEVICE, TIME, AGE, SEQUENCE, SAMPLES, ICC }

    private final Map<Integer, Treatment> treatments;

    private AttributePolicy(Map<Integer, Treatment> treatments) {
        this.treatments = treatments;
    }

    /** {@code deid/attribute-policy.tsv}, read once and shared, in the native image's build (as {@link ActionTable#standard()}). */
    static AttributePolicy standard() {
        return Shipped.POLICY;
    }

    private static final class Shipped {
        static final AttributePolicy POLICY = ShippedData.read("attribute-policy.tsv", AttributePolicy::read);
    }

    static AttributePolicy read(InputStream in) throws IOException {
        Map<Integer, Treatment> map = new HashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 4 || f[0].length() != 11) {
                throw new IOException("attribute policy: unreadable line " + line);
            }
            int tag = Integer.parseUnsignedInt(f[0].substring(1, 5) + f[0].substring(6, 10), 16);
            map.put(tag, Treatment.valueOf(f[3].toUpperCase(Locale.ROOT)));
        }
        if (map.isEmpty()) {
            throw new IOException("attribute policy: no attributes");
        }
        return new AttributePolicy(Map.copyOf(map));
    }

    /** How the attribute is treated; empty when it is removed. */
    Optional<Treatment> treatment(int tag) {
        return Optional.ofNullable(treatments.get(tag));
    }

    int size() {
        return treatments.size();
    }
}
