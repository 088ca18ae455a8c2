package org.veil.deid;

import java.awt.Rectangle;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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
    /** Body parts whose CT or MR volumes can be rendered into a face. */
    private static final java.util.regex.Pattern HEAD = java.util.regex.Pattern.compile(
            "\\b(HEAD|BRAIN|SKULL|FACE|FACIAL|ORBITS?|SINUS(ES)?|NEURO|CRANI\\w*|HEADNECK|MAXILLA|MANDIBLE|TMJ|IAC|PITUITARY|SELLA)\\b",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    private final BurnedInRules rules;

    public PixelCleaner(BurnedInRules rules) {
        this.rules = rules;
    }

    /** Veil's rule files, in order: device rules, rules derived from deid, catch-all rules. */
    public static BurnedInRules standardRules() {
        BurnedInRules all = new BurnedInRules(List.of());
        for (String name : List.of("rules-devices.txt", "rules-derived.txt", "rules-catch-all.txt")) {
            try (InputStream in = PixelCleaner.class.getResourceAsStream("/deid/" + name)) {
                all = all.plus(BurnedInRules.parse(new InputStreamReader(in, StandardCharsets.UTF_8), name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    public PixelPlan plan(EditableDataset header, Profile profile) {
        boolean pixels = profile.has(Option.CLEAN_PIXEL_DATA);
        boolean visual = profile.has(Option.CLEAN_RECOGNIZABLE_VISUAL_FEATURES);
        if (!header.contains(PIXEL_DATA) || (!pixels && !visual)) {
            return new PixelPlan.Keep();
        }
        String sopClass = header.string(Tag.SOPClassUID).orElse("").trim();
        if (visual) {
            if (PHOTOGRAPHS.contains(sopClass) || ENDOSCOPY.contains(sopClass)) {
                return new PixelPlan.Withhold("Clean Recognizable Visual Features: photographs are withheld");
            }
            if (isHeadVolume(header)) {
                return new PixelPlan.Withhold("Clean Recognizable Visual Features: head CT and MR can be rendered into a face");
            }
        }
        if (!pixels) {
            return new PixelPlan.Keep();
        }
        Optional<BurnedInRules.Rule> rule = rules.matching(header).stream().findFirst();
        if (rule.isPresent() && rule.get().effect() == BurnedInRules.Effect.BLACK) {
            if (rule.get().keepUltrasoundRegions() && !regionsFit(header)) {
                return new PixelPlan.Withhold("Sequence of Ultrasound Regions does not fit the image, so it cannot locate the text");
            }
            return new PixelPlan.Black(regions(rule.get(), header), rule.get().name());
        }
        if (rule.isPresent() && rule.get().effect() == BurnedInRules.Effect.WITHHOLD) {
            return new PixelPlan.Withhold("rule '" + rule.get().name() + "': text is expected that no rule locates");
        }
        if (header.string(BURNED_IN_ANNOTATION).map(s -> s.trim().equalsIgnoreCase("YES")).orElse(false)) {
            return new PixelPlan.Withhold("Burned In Annotation is YES and no rule locates the text");
        }
        if (rule.isPresent()) {
            return new PixelPlan.Keep();
        }
        if (ULTRASOUND.contains(sopClass)) {
            return new PixelPlan.Withhold("ultrasound images carry burned-in text and no rule locates it");
        }
        if (SECONDARY_CAPTURE.contains(sopClass)) {
            return new PixelPlan.Withhold("secondary captures carry burned-in text and no rule locates it");
        }
        if (ENDOSCOPY.contains(sopClass) || PHOTOGRAPHS.contains(sopClass)) {
            return new PixelPlan.Withhold("endoscopy and photographs carry burned-in text and no rule locates it");
        }
        return new PixelPlan.Keep();
    }

    private static boolean isHeadVolume(EditableDataset header) {
        String modality = header.string(0x00080060).orElse("").trim().toUpperCase(Locale.ROOT);
        if (!modality.equals("CT") && !modality.equals("MR")) {
            return false;
        }
        for (int tag : new int[] {BODY_PART_EXAMINED, Tag.StudyDescription, Tag.SeriesDescription, PROTOCOL_NAME}) {
            if (header.string(tag).map(v -> HEAD.matcher(v.replace('_', ' ')).find()).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    /** The rule's rectangles; "all" is the whole image, less the ultrasound regions if the rule keeps them. */
    static List<Rectangle> regions(BurnedInRules.Rule rule, EditableDataset header) {
        int rows = header.string(Tag.Rows).map(Integer::parseInt).orElse(0);
        int columns = header.string(Tag.Columns).map(Integer::parseInt).orElse(0);
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
        int rows = header.string(Tag.Rows).map(Integer::parseInt).orElse(0);
        int columns = header.string(Tag.Columns).map(Integer::parseInt).orElse(0);
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

    private static int number(EditableDataset ds, int tag) {
        return ds.string(tag).map(s -> (int) Long.parseLong(s.trim())).orElse(-1);
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
