package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Part10Editor;

/**
 * The last look for the original's identifiers must not damage ordinary images: a Patient ID
 * whose digits run across the dots of a standard UID ({@code 1.2.840.10008.5.1.4.1.1.2} reads
 * {@code 10008514}) leaves the UID alone, and a number that does hold one is replaced alone, the
 * other values of its attribute kept in their places.
 */
class IdentityScanTest {
    private final Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));

    @Test
    void aPatientIdInTheDigitsOfTheSopClassAcrossItsDotsLeavesItAlone() throws Exception {
        byte[] original = AdversarialCorpus.ct(60).text(0x00100020, "LO", "MRN10008514")
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.60");
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get("research").orElseThrow(), "research");
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        EditableDataset out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
        assertThat(out.string(0x00080016)).contains(AdversarialCorpus.CT);
    }

    @Test
    void onlyTheValueHoldingAnIdentifierIsReplaced() throws Exception {
        byte[] original = AdversarialCorpus.ct(61).text(0x00200032, "DS", "-120.5\\48213377\\33.25")
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.61");
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get("research").orElseThrow(), "research");
        EditableDataset out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
        assertThat(out.strings(0x00200032)).containsExactly("-120.5", "0", "33.25");
    }

    /**
     * A name disguised to the eye's reading but not to a machine's: a zero-width space inside it,
     * Cyrillic capitals that look Latin, a soft hyphen. Found in retained device labels by a
     * black-box probe of 2026-12-03 (the full-width form was already caught).
     */
    @Test
    void aNameSpeltWithInvisibleOrLookalikeCharactersIsReplaced() throws Exception {
        String[] disguised = {"QUI\u200BMBY", "QU\u0406\u041C\u0412\u04AE", "QUIM\u00ADBY 7", "QU\uFE0FIMBY", "QUI\u3164MBY",
            "QUI\u034FMBY", "Q\u0301UIMBY"};
        for (String label : disguised) {
            byte[] original = AdversarialCorpus.ct(63).text(0x00080005, "CS", "ISO_IR 192").text(0x00100010, "PN", "QUIMBY^ZEBEDEE")
                    .text(0x00181000, "LO", label, java.nio.charset.StandardCharsets.UTF_8).text(0x00081010, "SH", "CT01")
                    .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.63");
            assertThat(Part10Editor.read(original).root().string(0x00181000)).as("planted").contains(label);
            Outcome outcome = engine.deidentify(original, Profiles.defaults().get("research").orElseThrow(), "research");
            EditableDataset out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
            assertThat(out.string(0x00181000).orElse("")).as(label).doesNotContain(label);
            assertThat(IdentityScan.folded(label).replaceAll("[^A-Z]", "")).as("read as the name").isEqualTo("QUIMBY");
            assertThat(out.string(0x00081010)).as("a label without the name stays").contains("CT01");
        }
    }

    /**
     * What a viewer and the eye cut off (a value going on past a NUL), and a long name part with
     * a letter beside it, in labels the research profile keeps (black-box probe of 2026-12-03).
     */
    @Test
    void hiddenTextAndANameInsideALongerWordAreReplaced() throws Exception {
        byte[] original = AdversarialCorpus.ct(64).text(0x00100010, "PN", "QUIMBY^ZEBEDEE").text(0x00081010, "SH", "CT01\0LEAKMARK")
                .text(0x00181000, "LO", "XQUIMBY2")
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.64");
        EditableDataset in = Part10Editor.read(original).root();
        assertThat(in.string(0x00081010).orElseThrow()).as("planted").contains("LEAKMARK");
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get("research").orElseThrow(), "research");
        EditableDataset out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
        assertThat(out.string(0x00081010).orElse("")).doesNotContain("LEAKMARK").doesNotContain("CT01");
        assertThat(out.string(0x00181000).orElse("")).doesNotContain("QUIMBY");
        byte[] plain = AdversarialCorpus.ct(65).text(0x00100010, "PN", "QUIMBY^ZEBEDEE").text(0x00081010, "SH", "CT01")
                .text(0x00181000, "LO", "SN4711").text(0x00081070, "PN", "PHILIP^OPERATOR")
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.65");
        EditableDataset kept = Part10Editor.read(((Outcome.Derived) engine.deidentify(plain, Profiles.defaults().get("research").orElseThrow(),
                "research")).part10()).root();
        assertThat(kept.string(0x00081010)).as("labels without either stay").contains("CT01");
        assertThat(kept.string(0x00181000)).as("the serial number is kept, so the cases above test the scan").contains("SN4711");
        IdentityScan scan = new IdentityScan(Part10Editor.read(plain).root(), java.util.Set.of("QUIMBY", "ZEBEDEE", "PHILIP", "OPERATOR"));
        assertThat(scan.holds("PHILIPS MEDICAL", true)).as("an operator's name inside a maker's is not the patient's").isFalse();
        assertThat(scan.holds("XQUIMBY MEDICAL", true)).isTrue();
        assertThat(scan.holds("QUIMBY-X", true)).as("the name is a word there").isTrue();
        assertThat(scan.holds("ZEBEDE", true)).as("not inside").isFalse();
        assertThat(IdentityScan.hidesText("LINE ONE\r\nLINE TWO", org.veil.dicom.Vr.LT)).isFalse();
        assertThat(IdentityScan.hidesText("LINE ONE\r\nLINE TWO", org.veil.dicom.Vr.LO)).isTrue();
        assertThat(IdentityScan.hidesText("\u001B$B text in ISO 2022", org.veil.dicom.Vr.LO)).isFalse();
    }

    /** A station or a device named after its user: the patient's name parts and initials run together. */
    @Test
    void namePartsRunTogetherInRetainedLabelsAreReplaced() throws Exception {
        byte[] original = AdversarialCorpus.ct(62).text(0x00081010, "SH", "WS-JBAKER").text(0x00181000, "LO", "BAKERJOHN 7")
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.62");
        EditableDataset in = Part10Editor.read(original).root();
        assertThat(in.string(0x00081010).orElseThrow()).contains("JBAKER");
        assertThat(in.string(0x00181000).orElseThrow()).contains("BAKERJOHN");
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get("research").orElseThrow(), "research");
        EditableDataset out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
        assertThat(out.string(0x00081010).orElse("")).doesNotContain("BAKER");
        assertThat(out.string(0x00181000).orElse("")).doesNotContain("BAKER").doesNotContain("JOHN");
    }

    /** Only words wholly made of name pieces count: a patient named Bell leaves a cerebellum alone. */
    @Test
    void aWordHoldingANamePartAmongOtherLettersIsKept() throws Exception {
        byte[] original = AdversarialCorpus.ct(63).text(0x00100010, "PN", "BELL^ANN").text(0x00081010, "SH", "CEREBELLUM")
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.63");
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get("research").orElseThrow(), "research");
        EditableDataset out = Part10Editor.read(((Outcome.Derived) outcome).part10()).root();
        assertThat(out.string(0x00081010)).contains("CEREBELLUM");
        IdentityScan scan = new IdentityScan(Part10Editor.read(original).root(), java.util.Set.of("BELL", "ANN", "LONG", "ANNA"));
        assertThat(scan.runTogether("ABELL")).isTrue();
        assertThat(scan.runTogether("BELLANN")).isTrue();
        assertThat(scan.runTogether("CEREBELLUM")).isFalse();
        assertThat(scan.runTogether("ALA")).isFalse();
    }
}
