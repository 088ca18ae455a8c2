package org.veil.deid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Writes Veil's attribute policy, {@code src/main/resources/deid/attribute-policy.tsv}: for every
 * attribute of the standard's data dictionary that PS3.15 Table E.1-1 does not list, what a
 * de-identified derivative may keep of it, and why. Attributes the file does not name are removed
 * (docs/deidentification.md, "Default deny"). Run as a program to regenerate the file;
 * {@code AttributePolicyTest} checks that the shipped file is what this writes.
 *
 * <p>The dictionary is PS3.6 as PixelMed ships it ({@code com/pixelmed/dicom/elmdict.xml}, read
 * as data); the table is Veil's copy of E.1-1. The classification is by the attribute's VR, group
 * and retirement, with the few exceptions named below.
 */
public final class AttributePolicyGenerator {
    /** The dictionary's edition: PixelMed 20220618, whose dictionary follows DICOM 2022b. */
    static final String EDITION = "PS3.6 data dictionary of PixelMed 20220618 (DICOM 2022b); PS3.15 Table E.1-1 of deid/ps3.15-table-e.1-1.json";

    /** Groups about the patient, the visit and the request: nothing the table does not list is kept. */
    private static final Set<Integer> PATIENT_GROUPS = Set.of(0x0010, 0x0032, 0x0038, 0x4008);
    /**
     * Issuers and their qualifiers name the institution that assigned an identifier (PS3.3 Table
     * 10-17/10-18): never safe, wherever they appear.
     */
    private static final Set<Integer> ISSUERS = Set.of(0x00080051, 0x00400031, 0x00400032, 0x00400033, 0x00400035, 0x00400036,
            0x00400039, 0x0040003A, 0x00400512, 0x00400513, 0x00400562);
    /** The parts of a coded entry (PS3.3 Table 8.8-1): cleaned together by the coded-entry rules. */
    private static final Set<Integer> CODED_ENTRY = Set.of(0x00080100, 0x00080102, 0x00080103, 0x00080104, 0x00080119);
    /** Binary values that are the image or its colour tables: Pixel Data and its float forms, palettes, LUTs, waveform and spectroscopy samples. */
    private static final Set<Integer> SAMPLES = Set.of(0x7FE00010, 0x7FE00008, 0x7FE00009, 0x00281201, 0x00281202, 0x00281203,
            0x00281204, 0x00281221, 0x00281222, 0x00281223, 0x00281224, 0x00283006, 0x54001010, 0x56000020);
    /** Dates of events of a device, not of the patient: shifting them by the patient's shift would give the shift away. */
    static final Set<Integer> DEVICE_DATES = Set.of(0x00181200, 0x00181202, 0x00181203, 0x0018700C, 0x00181204, 0x00181205,
            0x00143076, 0x0044000B, 0x00080106, 0x00140102, 0x00141020);

    /**
     * How a viewer may draw the samples other than the text check looks at them: Pixel Padding
     * Value and Range Limit (in their float forms too), which a viewer honouring them draws black
     * and OHIF does not (so text in padding values looks different from viewer to viewer), and the
     * smallest and largest pixel values of the image, series and plane, which a viewer may take
     * for its first window where the header gives none (a "window" two values wide that no check
     * reads), and VOI LUT Function (SIGMOID draws values beyond the window in grades the check's
     * linear window draws white). Removed: the derivative is drawn from its samples and its one
     * kept linear window alone.
     */
    static final Set<Integer> VIEWER_HINTS = Set.of(0x00280104, 0x00280105, 0x00280106, 0x00280107, 0x00280108, 0x00280109,
            0x00280110, 0x00280111, 0x00280120, 0x00280121, 0x00280122, 0x00280123, 0x00280124, 0x00280125, 0x00281056);

    private AttributePolicyGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args.length > 0 ? args[0] : "src/main/resources/deid/attribute-policy.tsv");
        Files.writeString(target, generate(), StandardCharsets.UTF_8);
    }

    /** One row of the dictionary. */
    record Entry(int tag, String keyword, String vr, boolean retired) {
    }

    static String generate() throws Exception {
        Set<Integer> listed;
        try (InputStream table = AttributePolicyGenerator.class.getResourceAsStream("/deid/ps3.15-table-e.1-1.json")) {
            listed = tableTags(table);
        }
        StringBuilder out = new StringBuilder();
        out.append("""
                # Veil's attribute policy (docs/deidentification.md, "Default deny"): what a de-identified
                # derivative keeps of the attributes PS3.15 Table E.1-1 does not list. An attribute this file
                # does not name is removed: names (PN), AE titles, URLs, binary values other than the image's
                # samples, retired text, non-dictionary and private attributes, anything in the patient,
                # visit and request groups (0010, 0032, 0038, 4008), and the file meta group inside a data set.
                # Generated by AttributePolicyGenerator; do not edit: regenerate it.
                #
                # Edition: %s
                #
                # Treatments, and why each is safe:
                #   number   US SS UL SL FL FD DS IS UV SV AT: counts, sizes, geometry and acquisition
                #            parameters. Kept when the value parses as its dictionary VR; an IS of more than
                #            six digits, or one shaped like a date, is removed (an identifier in a counter).
                #   code     CS: defined terms. Kept value by value when every word is a term Veil knows
                #            (deid/code-strings.txt and the descriptor words); other values are removed.
                #   text     SH LO ST LT UT UC: free text, reduced to the descriptor vocabulary, with dates,
                #            identifier-like numbers, ages over 89 and names removed (FreeTextCleaner).
                #   coded    the parts of a coded entry: DCM meanings replaced by the standard's, other
                #            schemes' meanings reduced like text, local codes and schemes replaced.
                #   uid      UI: every value replaced by its derived UID, unless it is a registered UID.
                #   date     DA DT: shifted with the patient's dates (Modified Dates) or removed.
                #   device   DA DT of a device's events (calibration, manufacture, review, expiry): removed,
                #            because shifting them with the patient's shift would reveal the shift.
                #   time     TM: kept beside kept or shifted dates, removed otherwise.
                #   age      AS: ages over 89 years become 090Y.
                #   sequence SQ: kept; each item is cleaned by the same rules.
                #   samples  Pixel Data, palettes, LUTs, waveform and spectroscopy samples: the image itself,
                #            decoded and checked (bits outside Bits Stored cleared, text looked for).
                #   icc      ICC Profile: replaced by the standard sRGB profile, whose text names no one.
                #
                # tag	keyword	VR	treatment
                """.formatted(EDITION));
        TreeMap<Integer, String> rows = new TreeMap<>(Integer::compareUnsigned);
        for (Entry e : dictionary()) {
            String treatment = treatment(e, listed);
            if (treatment != null) {
                rows.put(e.tag(), "(%04X,%04X)\t%s\t%s\t%s\n".formatted(e.tag() >>> 16, e.tag() & 0xFFFF, e.keyword(), e.vr(), treatment));
            }
        }
        rows.values().forEach(out::append);
        return out.toString();
    }

    /** The treatment of an attribute the table does not list; null when it is removed. */
    static String treatment(Entry e, Set<Integer> listed) {
        int group = e.tag() >>> 16;
        if (listed.contains(e.tag()) || group == 0x0000 || group == 0x0002 || group == 0x0004 || group == 0x0006
                || (group & 0xFF00) == 0xFF00 || (group & 1) == 1 || PATIENT_GROUPS.contains(group)) {
            return null;
        }
        if (ISSUERS.contains(e.tag()) || VIEWER_HINTS.contains(e.tag())) {
            return null;
        }
        if (CODED_ENTRY.contains(e.tag())) {
            return "coded";
        }
        if (e.tag() == 0x00282000) {
            return "icc";
        }
        if (SAMPLES.contains(e.tag())) {
            return "samples";
        }
        if (DEVICE_DATES.contains(e.tag())) {
            return "device";
        }
        String vr = e.vr();
        return switch (vr) {
            case "US", "SS", "UL", "SL", "FL", "FD", "DS", "IS", "UV", "SV", "AT", "XS" -> "number";
            case "CS" -> "code";
            case "SH", "LO", "ST", "LT", "UT", "UC" -> e.retired() ? null : "text";
            case "UI" -> "uid";
            case "DA", "DT" -> "date";
            case "TM" -> "time";
            case "AS" -> "age";
            case "SQ" -> "sequence";
            default -> null; // PN, AE, UR, OB, OW, OF, OD, OL, OV, UN, OX: removed
        };
    }

    static List<Entry> dictionary() throws Exception {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = AttributePolicyGenerator.class.getClassLoader().getResourceAsStream("com/pixelmed/dicom/elmdict.xml")) {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            NodeList elements = factory.newDocumentBuilder().parse(in).getElementsByTagName("DataElement");
            for (int i = 0; i < elements.getLength(); i++) {
                Element de = (Element) elements.item(i);
                String group = text(de, "Group");
                String element = text(de, "Element");
                if (group.toLowerCase(Locale.ROOT).substring(2).contains("x") || element.toLowerCase(Locale.ROOT).substring(2).contains("x")) {
                    continue; // repeating groups (50xx, 60xx): overlays and curves are removed whole
                }
                int tag = Integer.parseUnsignedInt(group.substring(2) + element.substring(2), 16);
                String vr = text(de, "VR").trim();
                String name = text(de, "Name");
                out.add(new Entry(tag, text(de, "Keyword"), vr.length() == 2 ? vr : vr.startsWith("US or SS") ? "XS" : vr.replace(' ', '_'),
                        name.contains("(Retired)") || text(de, "Keyword").endsWith("Retired")));
            }
        }
        return out;
    }

    private static String text(Element parent, String child) {
        return parent.getElementsByTagName(child).item(0).getTextContent();
    }

    static Set<Integer> tableTags(InputStream json) throws IOException {
        Set<Integer> tags = new java.util.HashSet<>();
        for (var row : new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)) {
            String tag = row.path("tag").asText().toUpperCase(Locale.ROOT);
            var m = java.util.regex.Pattern.compile("\\(([0-9A-F]{4}),([0-9A-F]{4})\\)").matcher(tag);
            if (m.matches()) {
                tags.add(Integer.parseUnsignedInt(m.group(1) + m.group(2), 16));
            }
        }
        return tags;
    }
}
