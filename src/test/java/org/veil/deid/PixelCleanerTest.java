package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.io.StringReader;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.TestData;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicom.Vr;

/** What the pixel stage decides, sample by sample, written out as a table. */
class PixelCleanerTest {
    private final PixelCleaner cleaner = new PixelCleaner(PixelCleaner.standardRules());

    /**
     * sample | change to the header (keyword=value, or -) | profile | expected: keep, black:<rule>, withhold:<reason fragment>
     */
    @ParameterizedTest(name = "{0} {1} under {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "real/CT-MONO2-16-ankle.dcm | - | teaching | black:GE GENESIS_ZEUS 3D secondary capture",
            "real/CT-MONO2-16-ankle.dcm | Manufacturer=OTHER | teaching | withhold:secondary captures",
            "real/US-PAL-8-10x-echo.dcm | - | consultation | black:ACME Products echo",
            "real/US-PAL-8-10x-echo.dcm | Manufacturer=OTHER | consultation | withhold:ultrasound",
            "real/US-PAL-8-10x-echo.dcm | Manufacturer=OTHER | only-retain-uids | withhold:ultrasound",
            "real/US-PAL-8-10x-echo.dcm | - | only-retain-uids | withhold:does not clean pixel data",
            "real/simpleImageWithIcon.dcm | - | research | withhold:secondary captures",
            "pydicom/MR_small.dcm | - | research | keep",
            "pydicom/MR_small.dcm | BurnedInAnnotation=YES | research | withhold:Burned In Annotation is YES",
            "pydicom/MR_small.dcm | ImageType=DERIVED\\SECONDARY\\SCREEN SAVE | research | withhold:Screen saves",
            "pydicom/MR_small.dcm | SeriesDescription=Dose Report | research | withhold:dose reports",
            "pydicom/MR_small.dcm | BodyPartExamined=HEAD | publication | withhold:face",
            "pydicom/MR_small.dcm | StudyDescription=MRI BRAIN W WO | publication | withhold:face",
            "pydicom/MR_small.dcm | BodyPartExamined=HEAD | teaching | keep",
            "pydicom/MR_small.dcm | BodyPartExamined=KNEE | publication | keep",
            "pydicom/MR_small.dcm | SOPClassUID=1.2.840.10008.5.1.4.1.1.77.1.4 | publication | withhold:photographs",
            "pydicom/MR_small.dcm | SOPClassUID=1.2.840.10008.5.1.4.1.1.77.1.4 | teaching | withhold:photographs",
            "pydicom/MR_small.dcm | SOPClassUID=1.2.840.10008.5.1.4.1.1.77.1.1 | research | withhold:endoscopy",
            "pydicom/CT_small.dcm | ManufacturerModelName=LightSpeed VCT | teaching | keep",
            "pydicom/CT_small.dcm | ManufacturerModelName=LightSpeed VCT;SeriesDescription=Dose | teaching | black:LightSpeed Dose Report",
            "pydicom/CT_small.dcm | ManufacturerModelName=Sensation 64;BurnedInAnnotation=YES | teaching | withhold:Burned In Annotation is YES",
            "pydicom/CT_small.dcm | ManufacturerModelName=Sensation 64;SeriesDescription=Patient Protocol | teaching | withhold:protocols",
            "pydicom/CT_small.dcm | ManufacturerModelName=Sensation 64 | teaching | keep",
            "pydicom/MR_small.dcm | SOPClassUID=1.2.840.10008.5.1.4.1.1.77.1.6;ImageType=ORIGINAL\\PRIMARY\\LABEL\\NONE | research | withhold:label",
            "pydicom/MR_small.dcm | SOPClassUID=1.2.840.10008.5.1.4.1.1.77.1.6;ImageType=ORIGINAL\\PRIMARY\\VOLUME\\NONE | research | keep",
            "pydicom/MR_small.dcm | BodyPartExamined=KOPF | publication | withhold:face",
            "pydicom/MR_small.dcm | BurnedInAnnotation=YES | only-retain-uids | withhold:Burned In Annotation is YES",
    })
    void decisions(String sample, String changes, String profile, String expected) throws Exception {
        EditableDataset header = Part10Editor.read(TestData.file(sample)).root();
        if (!changes.equals("-")) {
            for (String change : changes.split(";")) {
                String[] kv = change.split("=", 2);
                int tag = org.veil.dicom.DataDictionary.tagForKeyword(kv[0]).orElseThrow();
                header.put(tag, org.veil.dicom.DataDictionary.vrForTag(tag), List.of(kv[1].split("\\\\")));
            }
        }
        Profile p = profile.startsWith("only-") ? new Profile(profile, EnumSet.of(Option.RETAIN_UIDS))
                : Profiles.defaults().get(profile).orElseThrow();
        PixelPlan plan = cleaner.plan(header, p);
        String[] e = expected.split(":", 2);
        switch (e[0]) {
            case "keep" -> assertThat(plan).isInstanceOf(PixelPlan.Keep.class);
            case "black" -> assertThat(plan).isInstanceOfSatisfying(PixelPlan.Black.class, b -> assertThat(b.rule()).isEqualTo(e[1]));
            case "withhold" -> assertThat(plan).isInstanceOfSatisfying(PixelPlan.Withhold.class, w -> assertThat(w.reason()).contains(e[1]));
            default -> throw new IllegalArgumentException(expected);
        }
    }

    @Test
    void ultrasoundRegionsAreKeptOutOfBlackAll() throws Exception {
        EditableDataset header = Part10Editor.read(TestData.file("real/US-PAL-8-10x-echo.dcm")).root();
        header.put(0x00080070, Vr.LO, "OTHER");
        List<EditableDataset> regions = header.newSequence(0x00186011, 2);
        region(regions.get(0), 100, 50, 399, 349);
        region(regions.get(1), 450, 300, 549, 399);
        PixelPlan plan = cleaner.plan(header, Profiles.defaults().get("research").orElseThrow());
        assertThat(plan).isInstanceOf(PixelPlan.Black.class);
        List<Rectangle> black = ((PixelPlan.Black) plan).regions();
        for (int y = 0; y < 430; y += 3) {
            for (int x = 0; x < 600; x += 3) {
                boolean inRegion = (x >= 100 && x <= 399 && y >= 50 && y <= 349) || (x >= 450 && x <= 549 && y >= 300 && y <= 399);
                int px = x;
                int py = y;
                assertThat(black.stream().anyMatch(r -> r.contains(px, py))).as("(%d,%d)", x, y).isEqualTo(!inRegion);
            }
        }
    }

    @Test
    void ruleFilesReportTheLineOfAMistake() {
        // Each mistake and the line it is on; a rule without exactly one effect is reported where it begins.
        Map<String, Integer> mistakes = new LinkedHashMap<>();
        mistakes.put("rule x\n  when Nonsense equals 1\n  black 0,0,1,1\n", 2);
        mistakes.put("rule x\n  when Modality like CT\n  black 0,0,1,1\n", 2);
        mistakes.put("# a comment\nrule x\n  when Modality equals CT\n", 2);
        mistakes.put("rule x\n  when Modality equals CT\nrule y\n  withhold\n", 1);
        mistakes.put("rule x\n  black 0,0,-1,5\n", 2);
        mistakes.put("black 0,0,1,1\n", 1);
        mistakes.put("rule x\n  when Modality contains (\n  withhold\n", 2);
        mistakes.put("rule x\n  black 0,0,1,1\n  withhold\n", 1);
        mistakes.forEach((bad, line) -> org.assertj.core.api.Assertions.assertThatThrownBy(() -> BurnedInRules.parse(new StringReader(bad), "site.txt"))
                .as(bad).hasMessageStartingWith("site.txt:" + line + ": "));
    }

    @Test
    void theShippedRulesParseAndTheDerivedOnesAreWhatTheConverterWrites() throws Exception {
        assertThat(PixelCleaner.standardRules().rules()).hasSizeGreaterThan(100);
        String derived = new String(PixelCleaner.class.getResourceAsStream("/deid/rules-derived.txt").readAllBytes());
        String converted = DeidRecipeConverter.convert(java.nio.file.Files.readAllLines(
                TestData.file("reference/pixel-filters.deid.dicom")));
        assertThat(derived).isEqualTo(converted);
    }

    private static void region(EditableDataset item, int x0, int y0, int x1, int y1) {
        item.put(0x00186018, Vr.UL, Integer.toString(x0));
        item.put(0x0018601A, Vr.UL, Integer.toString(y0));
        item.put(0x0018601C, Vr.UL, Integer.toString(x1));
        item.put(0x0018601E, Vr.UL, Integer.toString(y1));
    }
}
