package org.veil.deid;

import java.awt.Rectangle;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Tag;

/**
 * Decides what Clean Pixel Data and Clean Recognizable Visual Features do to an instance, from
 * its header alone: which regions to paint black, or that it must be withheld because cleaning
 * is required and Veil cannot do it. The first rule that matches decides; without one, the kinds
 * of image that carry burned-in text (Burned In Annotation YES, ultrasound, secondary capture,
 * endoscopy, photographs) are withheld and the rest keep their pixels.
 */
public final class PixelCleaner {
    static final int PIXEL_DATA = 0x7FE00010;
    static final int BURNED_IN_ANNOTATION = 0x00280301;
    static final int BODY_PART_EXAMINED = 0x00180015;
    static final int PROTOCOL_NAME = 0x00181030;
    private static final int ULTRASOUND_REGIONS = 0x00186011;
    private static final int REGION_MIN_X = 0x00186018;
    private static final int REGION_MIN_Y = 0x0018601A;
    private static final int REGION_MAX_X = 0x0018601C;
    private static final int REGION_MAX_Y = 0x0018601E;

    private static final String SOP = "1.2.840.10008.5.1.4.1.1.";
    private static final Set<String> ULTRASOUND = Set.of(SOP + "6.1", SOP + "6.2", SOP + "3.1", SOP + "6", SOP + "3");
    private static final Set<String> SECONDARY_CAPTURE = Set.of(SOP + "7", SOP + "7.1", SOP + "7.2", SOP + "7.3", SOP + "7.4");
    private static final Set<String> ENDOSCOPY = Set.of(SOP + "77.1.1", SOP + "77.1.1.1");
    /** Visible-light photographs, of any part of a patient, and ophthalmic photographs. */
    private static final Set<String> PHOTOGRAPHS = Set.of(SOP + "77.1.4", SOP + "77.1.4.1", SOP + "77.1.2",
            SOP + "77.1.3", SOP + "77.1.5.1", SOP + "77.1.5.2", SOP + "77.1.5.5", SOP + "77.1.7", SOP + "77.1.8");
    private static final String WHOLE_SLIDE = SOP + "77.1.6";
    private static final Set<String> VIDEO = Set.of(SOP + "77.1.1.1", SOP + "77.1.2.1", SOP + "77.1.4.1");
    /** Modalities (PS3.3 C.7.3.1.1.1) whose images are photographs: external camera, endoscopy, microscopy, ophthalmic, dermoscopy. */
    private static final Set<String> PHOTOGRAPHIC_MODALITIES = Set.of("XC", "ES", "GM", "SM", "OP", "DMS", "OPT", "OSS", "IVOCT");
    private static final int IMAGE_TYPE = 0x00080008;
    private static final int MODALITY = 0x00080060;
    /** Labels of CT or MR volumes that can be rendered into a face, in the languages of the archives Veil has seen. */
    private static final java.util.regex.Pattern HEAD = java.util.regex.Pattern.compile(
            "\\b(HEAD|BRAIN|SKULL|FACE|FACIAL|ORBITS?|SINUS(ES)?|NEURO\\w*|CRANI\\w*|CRANE|HEADNECK|NECK|MAXILL\\w*|MANDIB\\w*|TMJ|IAC|"
                    + "PITUITARY|SELLA|DENTAL|TEETH|JAW|NASAL|NOSE|EYES?|EARS?|TEMPORAL|PETROUS|CEREBR\\w*|ENCEPHAL\\w*|CSPINE|CERVICAL|"
                    + "WHOLEBODY|WHOLE BODY|WB|TOTAL BODY|KOPF|SCH(A|AE|\u00C4)DEL|GEHIRN|HIRN|GESICHT|CABEZA|CEREBRO|CR(A|\u00C1)NEO|TESTA|"
                    + "CERVELLO|HOOFD|HERSENEN|CERVEAU|T(E|\u00CA)TE|VISAGE)\\b|\u982D|\u8133",
            java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE);

    private final BurnedInRules rules;

    public PixelCleaner(BurnedInRules rules) {
        this.rules = rules;
    }

    /**
     * Regions one Sequence of Ultrasound Regions may hold for a rule to keep them: scanners draw a
     * few (an image, a Doppler strip, a trace). Subtracting them from the black rectangles is
     * cubic in their number, so ten thousand one-pixel regions would hold a search for hours.
     */
    static final int MAX_ULTRASOUND_REGIONS = 64;

    /**
     * Veil's rule files, in order: device rules, rules derived from deid, catch-all rules. Parsed
     * at each call, also in the native executable: the rules hold AWT rectangles, and AWT starts
     * at run time there, so they cannot be made in the image's build as the attribute tables are.
     */
    public static BurnedInRules standardRules() {
        BurnedInRules all = new BurnedInRules(List.of());
        for (String name : List.of("rules-devices.txt", "rules-derived.txt", "rules-catch-all.txt")) {
            all = all.plus(ShippedData.read(name, in -> BurnedInRules.parse(new InputStreamReader(in, StandardCharsets.UTF_8), name)));
        }
        return all;
    }

    /**
     * What the pixels need, from the original header. Under Clean Recognizable Visual Features,
     * photographs and CT or MR of the head are withheld. Then:
     * <ol>
     *   <li>the first matching rule that paints regions paints them, under Clean Pixel Data (the
     *       text check then looks at what is left); without that option, an image whose text a
     *       rule locates is withheld, because nothing would remove it;</li>
     *   <li>a matching {@code withhold} rule withholds, even when a device's {@code clean} rule
     *       matched first: a screen save of a known scanner is still a screen save;</li>
     *   <li>Burned In Annotation YES, whole-slide label and overview images, photographs and video
     *       are withheld unless a rule painted them; so are ultrasound, secondary capture and
     *       endoscopy that no rule describes;</li>
     *   <li>anything else keeps its pixels, and the text check decides.</li>
     * </ol>
     * Withholding does not depend on Clean Pixel Data: a profile without it cleans no pixels, but
     * still does not serve what is known to show text.
     */
    public PixelPlan plan(EditableDataset header, Profile profile) {
        boolean pixels = profile.has(Option.CLEAN_PIXEL_DATA);
        boolean visual = profile.has(Option.CLEAN_RECOGNIZABLE_VISUAL_FEATURES);
        if (header.contains(AttributeCleaner.FLOAT_PIXEL_DATA) || header.contains(AttributeCleaner.DOUBLE_FLOAT_PIXEL_DATA)) {
            // A parametric map's samples are not decoded and looked at for text: what is not checked is not served.
            return new PixelPlan.Withhold("float pixel data cannot be checked for text");
        }
        if (!header.contains(PIXEL_DATA)) {
            return new PixelPlan.Keep();
        }
        String sopClass = header.string(Tag.SOPClassUID).orElse("").trim();
        if (visual) {
            if (PHOTOGRAPHS.contains(sopClass) || ENDOSCOPY.contains(sopClass) || photographicModality(header)) {
                return new PixelPlan.Withhold("Clean Recognizable Visual Features: photographs are withheld");
            }
            if (mayShowFace(header)) {
                return new PixelPlan.Withhold("Clean Recognizable Visual Features: head CT and MR can be rendered into a face");
            }
        }
        List<BurnedInRules.Rule> matching = rules.matching(header);
        Optional<BurnedInRules.Rule> first = matching.stream().findFirst();
        if (first.isPresent() && first.get().effect() == BurnedInRules.Effect.BLACK) {
            if (!pixels) {
                return new PixelPlan.Withhold("rule '" + first.get().name() + "' locates text, and the profile does not clean pixel data");
            }
            if (first.get().keepUltrasoundRegions() && header.items(ULTRASOUND_REGIONS).size() > MAX_ULTRASOUND_REGIONS) {
                return new PixelPlan.Withhold("Sequence of Ultrasound Regions has more than " + MAX_ULTRASOUND_REGIONS
                        + " regions, more than a scanner draws");
            }
            if (first.get().keepUltrasoundRegions() && !regionsFit(header)) {
                return new PixelPlan.Withhold("Sequence of Ultrasound Regions does not fit the image, so it cannot locate the text");
            }
            return new PixelPlan.Black(regions(first.get(), header), first.get().name());
        }
        Optional<BurnedInRules.Rule> withhold = matching.stream().filter(r -> r.effect() == BurnedInRules.Effect.WITHHOLD).findFirst();
        if (withhold.isPresent()) {
            return new PixelPlan.Withhold("rule '" + withhold.get().name() + "': text is expected that no rule locates");
        }
        if (header.strings(BURNED_IN_ANNOTATION).stream().anyMatch(v -> v != null && v.trim().equalsIgnoreCase("YES"))) {
            return new PixelPlan.Withhold("Burned In Annotation is YES and no rule locates the text");
        }
        if (WHOLE_SLIDE.equals(sopClass) && slideLabelOrOverview(header)) {
            return new PixelPlan.Withhold("whole-slide label and overview images show the slide's label");
        }
        if (PHOTOGRAPHS.contains(sopClass) || VIDEO.contains(sopClass)) {
            return new PixelPlan.Withhold("photographs and video are withheld unless a rule cleans them");
        }
        if (first.isPresent()) {
            return new PixelPlan.Keep();
        }
        if (ULTRASOUND.contains(sopClass)) {
            return new PixelPlan.Withhold("ultrasound images carry burned-in text and no rule locates it");
        }
        if (SECONDARY_CAPTURE.contains(sopClass)) {
            return new PixelPlan.Withhold("secondary captures carry burned-in text and no rule locates it");
        }
        if (ENDOSCOPY.contains(sopClass)) {
            return new PixelPlan.Withhold("endoscopy images carry burned-in text and no rule locates it");
        }
        return new PixelPlan.Keep();
    }

    /** Image Type value 3 of a whole-slide image names its flavour (PS3.3 C.8.12.4.1.1). */
    private static boolean slideLabelOrOverview(EditableDataset header) {
        return header.strings(IMAGE_TYPE).stream().map(v -> v == null ? "" : v.trim().toUpperCase(Locale.ROOT))
                .anyMatch(v -> v.equals("LABEL") || v.equals("OVERVIEW"));
    }

    private static boolean photographicModality(EditableDataset header) {
        return PHOTOGRAPHIC_MODALITIES.contains(header.string(MODALITY).orElse("").trim().toUpperCase(Locale.ROOT));
    }

    /**
     * Whether a CT or MR volume holds the head, from its labels: Body Part Examined, the study
     * and series descriptions and the protocol, in the languages of the archives Veil has seen.
     */
    static boolean mayShowFace(EditableDataset header) {
        String modality = header.string(MODALITY).orElse("").trim().toUpperCase(Locale.ROOT);
        if (!modality.equals("CT") && !modality.equals("MR")) {
            return false;
        }
        for (int tag : new int[] {BODY_PART_EXAMINED, Tag.StudyDescription, Tag.SeriesDescription, PROTOCOL_NAME}) {
            String label = String.join(" ", header.strings(tag)).replace('_', ' ').replace('-', ' ');
            if (HEAD.matcher(label).find()) {
                return true;
            }
        }
        return false;
    }

    /** The rule's rectangles; "all" is the whole image, less the ultrasound regions if the rule keeps them. */
    static List<Rectangle> regions(BurnedInRules.Rule rule, EditableDataset header) {
        int rows = Math.max(0, number(header, Tag.Rows));
        int columns = Math.max(0, number(header, Tag.Columns));
        List<Rectangle> black = new ArrayList<>(rule.black());
        if (rule.blackAll()) {
            black.add(new Rectangle(0, 0, columns, rows));
        }
        if (!rule.keepUltrasoundRegions()) {
            return black;
        }
        List<Rectangle> keep = new ArrayList<>();
        for (EditableDataset region : header.items(ULTRASOUND_REGIONS)) {
            int x0 = number(region, REGION_MIN_X);
            int y0 = number(region, REGION_MIN_Y);
            int x1 = number(region, REGION_MAX_X);
            int y1 = number(region, REGION_MAX_Y);
            if (x1 >= x0 && y1 >= y0) {
                keep.add(new Rectangle(x0, y0, x1 - x0 + 1, y1 - y0 + 1));
            }
        }
        return subtract(black, keep);
    }

    /** Regions outside the image mean the header was not updated with the pixels: it cannot be trusted. */
    private static boolean regionsFit(EditableDataset header) {
        int rows = number(header, Tag.Rows);
        int columns = number(header, Tag.Columns);
        for (EditableDataset region : header.items(ULTRASOUND_REGIONS)) {
            int x0 = number(region, REGION_MIN_X);
            int y0 = number(region, REGION_MIN_Y);
            int x1 = number(region, REGION_MAX_X);
            int y1 = number(region, REGION_MAX_Y);
            if (x0 < 0 || y0 < 0 || x1 < x0 || y1 < y0 || x1 >= columns || y1 >= rows) {
                return false;
            }
        }
        return true;
    }

    /** An integer value, -1 when absent or not one (a header that lies is no place to locate text). */
    private static int number(EditableDataset ds, int tag) {
        try {
            long v = ds.string(tag).map(s -> Long.parseLong(s.trim())).orElse(-1L);
            return v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The black rectangles less the kept ones, as rectangles: cut into bands at every edge. */
    static List<Rectangle> subtract(List<Rectangle> black, List<Rectangle> keep) {
        TreeSet<Integer> ys = new TreeSet<>();
        TreeSet<Integer> xs = new TreeSet<>();
        for (Rectangle r : black) {
            ys.add(r.y);
            ys.add(r.y + r.height);
            xs.add(r.x);
            xs.add(r.x + r.width);
        }
        for (Rectangle r : keep) {
            ys.add(r.y);
            ys.add(r.y + r.height);
            xs.add(r.x);
            xs.add(r.x + r.width);
        }
        List<Rectangle> out = new ArrayList<>();
        Integer[] yv = ys.toArray(Integer[]::new);
        Integer[] xv = xs.toArray(Integer[]::new);
        for (int i = 0; i + 1 < yv.length; i++) {
            int start = -1;
            for (int j = 0; j + 1 < xv.length; j++) {
                int cx = xv[j];
                int cy = yv[i];
                boolean blackCell = black.stream().anyMatch(r -> r.contains(cx, cy)) && keep.stream().noneMatch(r -> r.contains(cx, cy));
                if (blackCell && start < 0) {
                    start = xv[j];
                }
                if (!blackCell && start >= 0) {
                    out.add(new Rectangle(start, yv[i], xv[j] - start, yv[i + 1] - yv[i]));
                    start = -1;
                }
            }
            if (start >= 0) {
                out.add(new Rectangle(start, yv[i], xv[xv.length - 1] - start, yv[i + 1] - yv[i]));
            }
        }
        return out;
    }
}
