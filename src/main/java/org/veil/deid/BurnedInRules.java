package org.veil.deid;

import java.awt.Rectangle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.veil.dicom.DataDictionary;
import org.veil.dicom.EditableDataset;

/**
 * Rules that match an image's header to the places its burned-in text is known to be. Veil's own
 * format, one rule per block (docs/deidentification.md):
 *
 * <pre>
 * rule GE LightSpeed VCT dose report
 *   when Modality equals CT
 *   when ManufacturerModelName contains LightSpeed VCT
 *   when ImageType contains SCREEN SAVE | SeriesDescription contains Dose
 *   black 0,0,512,121
 * </pre>
 *
 * Every {@code when} line must hold; {@code |} separates alternatives within a line. Operators:
 * {@code equals} (case-insensitive, any value), {@code contains} (case-insensitive regular
 * expression found in the values joined by {@code \}), {@code startswith}, {@code present},
 * {@code missing}, {@code empty} (missing or without value). Effects: {@code black x,y,w,h}
 * (pixels from the top left), {@code black all}, {@code keep ultrasound-regions} (the regions of
 * Sequence of Ultrasound Regions are kept out of every black area), {@code withhold} (burned-in
 * text is expected where no rule locates it), {@code clean} (this device writes no text into the
 * pixels).
 */
public final class BurnedInRules {
    private final List<Rule> rules;

    public BurnedInRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public List<Rule> rules() {
        return rules;
    }

    public BurnedInRules plus(BurnedInRules more) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(more.rules);
        return new BurnedInRules(all);
    }

    /** The rules that match this header. */
    public List<Rule> matching(EditableDataset header) {
        Values values = new Values(header);
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r.matches(values)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * A header's values as the conditions read them, each attribute read once for every rule:
     * the device rules name Modality, Manufacturer and a few others hundreds of times.
     */
    static final class Values {
        private final EditableDataset header;
        private final java.util.Map<Integer, Read> read = new java.util.HashMap<>();

        Values(EditableDataset header) {
            this.header = header;
        }

        /** @param sequence present as a sequence; {@code hasItems} then says whether it has any */
        record Read(boolean present, List<String> values, String joined, boolean sequence, boolean hasItems) {
        }

        Read of(int tag) {
            Read r = read.get(tag);
            if (r == null) {
                boolean present = header.contains(tag);
                List<String> values = present ? header.strings(tag) : List.of();
                boolean sequence = present && header.vr(tag) == org.veil.dicom.Vr.SQ;
                r = new Read(present, values, String.join("\\", values).trim(), sequence, sequence && !header.items(tag).isEmpty());
                read.put(tag, r);
            }
            return r;
        }
    }

    public enum Operator { EQUALS, CONTAINS, STARTSWITH, PRESENT, MISSING, EMPTY }

    public record Condition(String keyword, int tag, Operator operator, String value, Pattern pattern) {
        boolean holds(Values header) {
            Values.Read read = header.of(tag);
            boolean present = read.present();
            List<String> values = read.values();
            String joined = read.joined();
            return switch (operator) {
                case PRESENT -> present && (read.sequence() ? read.hasItems() : !joined.isEmpty());
                case MISSING -> !present;
                case EMPTY -> !present || (read.sequence() ? !read.hasItems() : joined.isEmpty());
                case EQUALS -> values.stream().anyMatch(v -> v != null && v.trim().equalsIgnoreCase(value))
                        || joined.equalsIgnoreCase(value);
                case CONTAINS -> present && pattern.matcher(joined).find();
                case STARTSWITH -> present && joined.toUpperCase(Locale.ROOT).startsWith(value.toUpperCase(Locale.ROOT));
            };
        }
    }

    /** What a matching rule asks for. */
    public enum Effect { BLACK, WITHHOLD, CLEAN }

    /**
     * @param when lines that must all hold, each a list of alternatives
     * @param black rectangles to paint black; {@code blackAll} paints the whole image
     * @param keepUltrasoundRegions keep the ultrasound regions out of the black areas
     */
    public record Rule(String name, List<List<Condition>> when, List<Rectangle> black, boolean blackAll,
                       boolean keepUltrasoundRegions, Effect effect) {
        public boolean matches(EditableDataset header) {
            return matches(new Values(header));
        }

        boolean matches(Values header) {
            for (List<Condition> alternatives : when) {
                boolean any = false;
                for (Condition c : alternatives) {
                    if (c.holds(header)) {
                        any = true;
                        break;
                    }
                }
                if (!any) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Parses a rule file; {@code source} names it in error messages. */
    public static BurnedInRules parse(Reader in, String source) throws IOException {
        List<Rule> rules = new ArrayList<>();
        Builder current = null;
        BufferedReader r = new BufferedReader(in);
        int lineNumber = 0;
        for (String raw = r.readLine(); raw != null; raw = r.readLine()) {
            lineNumber++;
            String line = stripComment(raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + ":" + lineNumber;
            String[] words = line.split("\\s+", 2);
            String rest = words.length > 1 ? words[1].trim() : "";
            if (words[0].equals("rule")) {
                if (current != null) {
                    rules.add(current.build());
                }
                if (rest.isEmpty()) {
                    throw new IOException(where + ": a rule needs a name");
                }
                current = new Builder(rest, where);
                continue;
            }
            if (current == null) {
                throw new IOException(where + ": '" + words[0] + "' outside a rule");
            }
            switch (words[0]) {
                case "when" -> current.when.add(alternatives(rest, where));
                case "black" -> {
                    if (rest.equals("all")) {
                        current.blackAll = true;
                    } else {
                        current.black.add(rectangle(rest, where));
                    }
                }
                case "keep" -> {
                    if (!rest.equals("ultrasound-regions")) {
                        throw new IOException(where + ": only 'keep ultrasound-regions' is known");
                    }
                    current.keepRegions = true;
                }
                case "withhold" -> current.withhold = true;
                case "clean" -> current.clean = true;
                default -> throw new IOException(where + ": unknown directive '" + words[0] + "'");
            }
        }
        if (current != null) {
            rules.add(current.build());
        }
        return new BurnedInRules(rules);
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash >= 0 ? line.substring(0, hash) : line;
    }

    private static List<Condition> alternatives(String text, String where) throws IOException {
        List<Condition> out = new ArrayList<>();
        for (String alt : text.split("\\s\\|\\s")) {
            String[] p = alt.trim().split("\\s+", 3);
            if (p.length < 2) {
                throw new IOException(where + ": a condition is '<Keyword> <operator> [value]'");
            }
            Optional<Integer> tag = DataDictionary.tagForKeyword(p[0]);
            if (tag.isEmpty()) {
                throw new IOException(where + ": unknown attribute keyword '" + p[0] + "'");
            }
            Operator op;
            try {
                op = Operator.valueOf(p[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": unknown operator '" + p[1] + "'");
            }
            String value = p.length > 2 ? p[2].trim() : "";
            boolean needsValue = op == Operator.EQUALS || op == Operator.CONTAINS || op == Operator.STARTSWITH;
            if (needsValue == value.isEmpty()) {
                throw new IOException(where + ": '" + p[1] + "' " + (needsValue ? "needs" : "takes no") + " value");
            }
            Pattern pattern = null;
            if (op == Operator.CONTAINS) {
                try {
                    pattern = Pattern.compile(value, Pattern.CASE_INSENSITIVE);
                } catch (PatternSyntaxException e) {
                    throw new IOException(where + ": not a regular expression: " + value);
                }
            }
            out.add(new Condition(p[0], tag.get(), op, value, pattern));
        }
        return out;
    }

    private static Rectangle rectangle(String text, String where) throws IOException {
        String[] n = text.split("\\s*,\\s*");
        try {
            if (n.length == 4) {
                Rectangle r = new Rectangle(Integer.parseInt(n[0]), Integer.parseInt(n[1]), Integer.parseInt(n[2]), Integer.parseInt(n[3]));
                if (r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0) {
                    return r;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(where + ": a rectangle is 'x,y,width,height' with x, y >= 0 and a positive size");
    }

    private static final class Builder {
        private final String name;
        /** The rule's own line: a rule without an effect is reported where it begins. */
        private final String where;
        private final List<List<Condition>> when = new ArrayList<>();
        private final List<Rectangle> black = new ArrayList<>();
        private boolean blackAll;
        private boolean keepRegions;
        private boolean withhold;
        private boolean clean;

        Builder(String name, String where) {
            this.name = name;
            this.where = where;
        }

        Rule build() throws IOException {
            boolean blacks = blackAll || !black.isEmpty();
            int effects = (blacks ? 1 : 0) + (withhold ? 1 : 0) + (clean ? 1 : 0);
            if (effects != 1) {
                throw new IOException(where + ": rule '" + name + "' needs exactly one of black, withhold or clean");
            }
            if (keepRegions && !blacks) {
                throw new IOException(where + ": rule '" + name + "': keep ultrasound-regions needs black");
            }
            return new Rule(name, List.copyOf(when), List.copyOf(black), blackAll, keepRegions,
                    blacks ? Effect.BLACK : withhold ? Effect.WITHHOLD : Effect.CLEAN);
        }
    }
}
