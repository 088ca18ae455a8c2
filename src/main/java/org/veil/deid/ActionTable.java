package org.veil.deid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PS3.15 Table E.1-1 as data: per attribute, the Basic Profile's action and each option's. Loaded
 * from the JSON file Veil ships (a copy of the standard's table, extracted by
 * innolitics/dicom-standard), so that a newer edition of the standard replaces one file.
 *
 * <p>Combined codes need the IOD's attribute type to choose between their parts. Veil does not
 * track types per IOD, so it takes the part that keeps the instance valid whatever the type, and
 * still removes the information: X/Z becomes Z, X/D, Z/D and X/Z/D become D, X/Z/U* becomes U.
 * When an option applies, a retain option's K wins over any clean option's C, and either over the
 * basic action (docs/deidentification.md).
 */
public final class ActionTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TAG = Pattern.compile("\\(([0-9A-F]{4}),([0-9A-F]{4})\\)");
    private static final Pattern OVERLAY = Pattern.compile("\\(60XX,([0-9A-F]{4})\\)");

    /** One row: the basic code and the option columns' codes. */
    record Entry(String name, String basic, Map<String, String> columns) {
    }

    private final Map<Integer, Entry> exact = new HashMap<>();
    private final Map<Integer, Entry> overlayElements = new HashMap<>();
    private Entry curves;
    private Entry privateAttributes;

    private ActionTable() {
    }

    /**
     * The table Veil ships, {@code deid/ps3.15-table-e.1-1.json} on the class path: read once and
     * shared (it is not changed once loaded). In the native executable it is read while the image
     * is built, because its holder is initialised then, so no start pays for it.
     */
    public static ActionTable standard() {
        return Shipped.TABLE;
    }

    private static final class Shipped {
        static final ActionTable TABLE = ShippedData.read("ps3.15-table-e.1-1.json", ActionTable::load);
    }

    public static ActionTable load(InputStream json) throws IOException {
        ActionTable table = new ActionTable();
        for (JsonNode row : JSON.readTree(json)) {
            Map<String, String> columns = new HashMap<>();
            row.fields().forEachRemaining(f -> {
                if (f.getKey().endsWith("Opt")) {
                    columns.put(f.getKey(), f.getValue().asText());
                }
            });
            Entry entry = new Entry(row.path("name").asText(), row.path("basicProfile").asText(), columns);
            String tag = row.path("tag").asText().toUpperCase(java.util.Locale.ROOT);
            Matcher m = TAG.matcher(tag);
            Matcher overlay = OVERLAY.matcher(tag);
            if (m.matches()) {
                table.exact.put(Integer.parseUnsignedInt(m.group(1) + m.group(2), 16), entry);
            } else if (overlay.matches()) {
                table.overlayElements.put(Integer.parseInt(overlay.group(1), 16), entry);
            } else if (tag.startsWith("(50XX")) {
                table.curves = entry;
            } else if (tag.startsWith("(GGGG")) {
                table.privateAttributes = entry;
            } else {
                throw new IOException("action table: unreadable tag " + tag);
            }
        }
        if (table.exact.isEmpty()) {
            throw new IOException("action table: no attributes");
        }
        return table;
    }

    /** Number of rows with a fixed tag. */
    public int size() {
        return exact.size();
    }

    /** The action for a standard attribute under the profile; empty when the table does not list it (keep). */
    public Optional<Action> actionFor(int tag, Profile profile) {
        Entry e = entryFor(tag);
        return e == null ? Optional.empty() : Optional.of(resolve(e, profile));
    }

    /** Whether the table's basic action allows a dummy (D): the attribute may be required to have a value. */
    public boolean requiresValue(int tag) {
        Entry e = entryFor(tag);
        return e != null && e.basic().contains("D");
    }

    /** The action for private attributes under the profile (X, or C with Retain Safe Private). */
    public Action privateAction(Profile profile) {
        return privateAttributes == null ? Action.X : resolve(privateAttributes, profile);
    }

    Entry entryFor(int tag) {
        int group = tag >>> 16;
        if ((group & 0xFF00) == 0x6000 && (group & 1) == 0) {
            return overlayElements.get(tag & 0xFFFF);
        }
        if ((group & 0xFF00) == 0x5000 && (group & 1) == 0) {
            return curves;
        }
        return exact.get(tag);
    }

    static Action resolve(Entry e, Profile profile) {
        for (Option o : profile.options()) {
            if (o.isRetain() && o.column() != null && "K".equals(e.columns().get(o.column()))) {
                return Action.K;
            }
        }
        for (Option o : profile.options()) {
            if (o.column() != null && "C".equals(e.columns().get(o.column()))) {
                return Action.C;
            }
        }
        return basic(e.basic());
    }

    /** Resolves a basic code; anything unknown removes the attribute. */
    static Action basic(String code) {
        return switch (code) {
            case "X" -> Action.X;
            case "Z", "X/Z" -> Action.Z;
            case "D", "X/D", "Z/D", "X/Z/D" -> Action.D;
            case "K" -> Action.K;
            case "C" -> Action.C;
            case "U", "X/Z/U*", "X/Z/U" -> Action.U;
            default -> Action.X;
        };
    }
}
