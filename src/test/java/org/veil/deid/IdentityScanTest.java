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
