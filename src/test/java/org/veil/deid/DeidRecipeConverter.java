package org.veil.deid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.veil.dicom.DataDictionary;

/**
 * Writes Veil's derived burned-in rules from pydicom/deid's pixel filter recipe (MIT,
 * src/test/data/reference/pixel-filters.deid.dicom). Run as a program to regenerate
 * src/main/resources/deid/rules-derived.txt; DerivedRulesTest checks that the shipped
 * file is what this writes.
 *
 * <p>Mapping: each LABEL becomes a rule. A line starting without an operator or with {@code +}
 * becomes a {@code when} line (all must hold); {@code ||} adds alternatives to the line before,
 * as deid intends (pydicom/deid issue 192). {@code coordinates xmin,ymin,xmax,ymax} and
 * {@code ctpcoordinates x,y,w,h} become {@code black} rectangles. Whitelist labels become
 * {@code clean} (a device known to write no text into pixels), except the entry that trusts the
 * header's own Burned In Annotation = NO. Graylist labels without coordinates only flag images in
 * deid and are not converted: Veil's own policy decides those images. Blacklist
 * labels are not converted: Veil's own rules and withholding policy cover them
 * (docs/deidentification.md). A condition on an attribute keyword the dictionary does not know
 * (typos in the source) can never hold: its alternative is dropped, and a rule left with an
 * impossible line is dropped, with a comment saying so.
 */
public final class DeidRecipeConverter {

    private DeidRecipeConverter() {
    }

    public static void main(String[] args) throws IOException {
        Path source = Path.of(args.length > 0 ? args[0] : "src/test/data/reference/pixel-filters.deid.dicom");
        Path target = Path.of(args.length > 1 ? args[1] : "src/main/resources/deid/rules-derived.txt");
        Files.writeString(target, convert(Files.readAllLines(source, StandardCharsets.UTF_8)));
    }

    public static String convert(List<String> lines) {
        StringBuilder out = new StringBuilder();
        out.append("# Derived by DeidRecipeConverter from pydicom/deid's pixel filter recipe \"deid.dicom\"\n")
                .append("# (MIT licence, Copyright (c) 2016-2022 Vanessa Sochat; rules originally from RSNA CTP's\n")
                .append("# DicomPixelAnonymizer). Do not edit: regenerate, or add rules in another file.\n");
        String section = "";
        Label label = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("%")) {
                flush(label, section, out);
                label = null;
                section = line;
                continue;
            }
            if (!section.startsWith("%filter")) {
                continue;
            }
            if (line.startsWith("LABEL")) {
                flush(label, section, out);
                label = new Label(line.substring(5).strip());
                continue;
            }
            String content = line.contains("#") ? line.substring(0, line.indexOf('#')).strip() : line;
            if (label == null || content.isEmpty()) {
                continue;
            }
            if (content.startsWith("coordinates")) {
                label.coordinates(content.substring("coordinates".length()).strip(), false);
            } else if (content.startsWith("ctpcoordinates")) {
                label.coordinates(content.substring("ctpcoordinates".length()).strip(), true);
            } else if (content.startsWith("keepcoordinates")) {
                label.notes.add("keepcoordinates is not converted");
            } else if (content.startsWith("||")) {
                label.alternatives(content.substring(2), true);
            } else if (content.startsWith("+")) {
                label.alternatives(content.substring(1), false);
            } else {
                label.alternatives(content, false);
            }
        }
        flush(label, section, out);
        return out.toString();
    }

    private static void flush(Label label, String section, StringBuilder out) {
        if (label == null || section.contains("blacklist")) {
            return;
        }
        boolean whitelist = section.contains("whitelist");
        if (whitelist && label.when.size() == 1 && label.when.get(0).size() == 1
                && label.when.get(0).get(0).startsWith("BurnedInAnnotation ")) {
            out.append("\n# not converted: '").append(label.name).append("' trusts the header's own Burned In Annotation\n");
            return;
        }
        if (label.impossible || label.when.isEmpty() && label.black.isEmpty()) {
            out.append("\n# not converted: '").append(label.name).append("' ")
                    .append(label.impossible ? "names an attribute keyword that does not exist, so it never matches" : "has no conditions")
                    .append('\n');
            return;
        }
        if (!whitelist && label.black.isEmpty()) {
            out.append("\n# not converted: '").append(label.name)
                    .append("' flags images without locating text; Veil's own policy decides them\n");
            return;
        }
        out.append("\nrule ").append(label.name).append('\n');
        for (List<String> alternatives : label.when) {
            out.append("  when ").append(String.join(" | ", alternatives)).append('\n');
        }
        if (whitelist) {
            out.append("  clean\n");
        } else {
            label.black.forEach(b -> out.append("  black ").append(b).append('\n'));
        }
    }

    private static final class Label {
        private final String name;
        private final List<List<String>> when = new ArrayList<>();
        private final List<String> black = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private boolean impossible;

        Label(String name) {
            this.name = name.replaceAll("\\s+", " ");
        }

        void alternatives(String text, boolean orWithPrevious) {
            List<String> alts = new ArrayList<>();
            for (String alt : text.split("\\|\\|")) {
                String[] p = alt.strip().split("\\s+", 3);
                if (p.length < 2) {
                    continue;
                }
                if (DataDictionary.tagForKeyword(p[1]).isEmpty()) {
                    continue; // a misspelt keyword never holds
                }
                alts.add(p[1] + " " + p[0] + (p.length > 2 ? " " + p[2].strip() : ""));
            }
            if (orWithPrevious && !when.isEmpty()) {
                when.get(when.size() - 1).addAll(alts);
            } else if (alts.isEmpty()) {
                impossible = true;
            } else {
                when.add(alts);
            }
        }

        void coordinates(String text, boolean ctp) {
            String[] n = text.replace(" ", "").split(",");
            if (n.length != 4) {
                return;
            }
            int a = Integer.parseInt(n[0]);
            int b = Integer.parseInt(n[1]);
            int c = Integer.parseInt(n[2]);
            int d = Integer.parseInt(n[3]);
            black.add(ctp ? a + "," + b + "," + c + "," + d : a + "," + b + "," + (c - a) + "," + (d - b));
        }
    }
}
