package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/** The engine on the real CT, per default profile: identity, UIDs, dates, markers, determinism. */
class DeidentifierTest {
    static final byte[] SECRET = "test-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final Deidentifier engine = Deidentifier.standard(new Keys(SECRET));
    private final Profiles profiles = Profiles.defaults();

    private EditableDataset derive(String profile, String context) throws Exception {
        Outcome.Derived d = (Outcome.Derived) engine.deidentify(TestData.bytes("real/CT-MONO2-16-ankle.dcm"),
                profiles.get(profile).orElseThrow(), context);
        return Part10Editor.read(d.part10()).root();
    }

    @Test
    void consultationKeepsShiftedDatesAndReplacesIdentity() throws Exception {
        EditableDataset original = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).root();
        EditableDataset out = derive("consultation", "consultation");
        assertThat(out.string(Tag.PatientID).orElseThrow()).matches("VP[A-Z2-7]{14}");
        assertThat(out.string(Tag.PatientName)).isEqualTo(out.string(Tag.PatientID));
        assertThat(out.string(Tag.StudyInstanceUID).orElseThrow()).startsWith("2.25.")
                .isNotEqualTo(original.string(Tag.StudyInstanceUID).orElseThrow());
        assertThat(out.string(Tag.SOPClassUID)).isEqualTo(original.string(Tag.SOPClassUID));
        assertThat(out.string(Tag.StudyDate).orElseThrow()).matches("\\d{8}").isNotEqualTo("19930430");
        assertThat(out.string(0x00120062)).contains("YES");
        assertThat(out.string(0x00280303)).contains("MODIFIED");
        assertThat(out.items(0x00120064)).extracting(i -> i.string(0x00080100).orElseThrow())
                .containsExactlyInAnyOrder("113100", "113101", "113105", "113107", "113108");
    }

    @Test
    void teachingRemovesDates() throws Exception {
        EditableDataset out = derive("teaching", "teaching");
        assertThat(out.string(Tag.StudyDate).orElse("")).isIn("", "19000101");
        assertThat(out.string(0x00280303)).contains("REMOVED");
    }

    /**
     * Teaching keeps Patient's Age and removes dates: a real birth year beside the age gave the
     * study's real year. Research shifts dates and keeps the shifted year, consistent with the age.
     */
    @Test
    void aBirthYearIsKeptOnlyWhereDatesAre() throws Exception {
        byte[] original = Part10Editor.read(TestData.bytes("real/CT-MONO2-16-ankle.dcm"))
                .set(Tag.PatientBirthDate, "19500612").set(0x00101010, "043Y").toBytes();
        assertThat(new String(original, StandardCharsets.ISO_8859_1)).contains("19500612");
        EditableDataset teaching = Part10Editor.read(((Outcome.Derived) engine.deidentify(original,
                profiles.get("teaching").orElseThrow(), "teaching")).part10()).root();
        assertThat(teaching.string(0x00101010)).contains("043Y");
        assertThat(teaching.string(Tag.PatientBirthDate).orElse("")).isEmpty();

        EditableDataset research = Part10Editor.read(((Outcome.Derived) engine.deidentify(original,
                profiles.get("research").orElseThrow(), "research")).part10()).root();
        assertThat(research.string(0x00101010)).contains("043Y");
        assertThat(research.string(Tag.PatientBirthDate).orElseThrow()).matches("\\d{4}0101");
    }

    @Test
    void sameInputAndKeyGiveTheSameBytes() throws Exception {
        Profile p = profiles.get("research").orElseThrow();
        byte[] a = ((Outcome.Derived) engine.deidentify(TestData.bytes("real/CT-MONO2-16-ankle.dcm"), p, "research")).part10();
        byte[] b = ((Outcome.Derived) engine.deidentify(TestData.bytes("real/CT-MONO2-16-ankle.dcm"), p, "research")).part10();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void contextsGiveDifferentUidsAndPseudonyms() throws Exception {
        EditableDataset a = derive("research", "research");
        EditableDataset b = derive("research", "share-42");
        assertThat(a.string(Tag.SOPInstanceUID)).isNotEqualTo(b.string(Tag.SOPInstanceUID));
        assertThat(a.string(Tag.PatientID)).isNotEqualTo(b.string(Tag.PatientID));
    }

    @Test
    void retainUidsKeepsThem() throws Exception {
        // an image without burned-in text: a profile without Clean Pixel Data withholds images a rule says have text
        Outcome.Derived d = (Outcome.Derived) engine.deidentify(TestData.bytes("pydicom/MR_small.dcm"),
                new Profile("keep-uids", EnumSet.of(Option.RETAIN_UIDS)), "x");
        EditableDataset original = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).root();
        assertThat(Part10Editor.read(d.part10()).root().string(Tag.SOPInstanceUID)).isEqualTo(original.string(Tag.SOPInstanceUID));
    }

    /**
     * Content Sequence is D in the Basic Profile and C under Clean Structured Content: the report
     * keeps its structure either way, but only the option keeps the allowed words of its text.
     */
    @Test
    void structuredContentIsDummiedByTheBasicProfileAndCleanedByTheOption() throws Exception {
        Part10Editor sr = Part10Editor.read(TestData.file("pydicom/test-SR.dcm"));
        EditableDataset firstText = firstTextItem(sr.root());
        firstText.put(0x0040A160, org.veil.dicom.Vr.UT, "NORMAL CHEST STUDY, SEEN BY DR HARGREAVE ON 2024-01-05");
        byte[] report = sr.toBytes();
        EditableDataset basic = Part10Editor.read(((Outcome.Derived) engine.deidentify(report,
                new Profile("basic", EnumSet.noneOf(Option.class)), "x")).part10()).root();
        EditableDataset cleaned = Part10Editor.read(((Outcome.Derived) engine.deidentify(report,
                new Profile("cleaned", EnumSet.of(Option.CLEAN_STRUCTURED_CONTENT)), "x")).part10()).root();
        assertThat(firstTextItem(basic).string(0x0040A160).map(String::trim)).contains("REMOVED");
        assertThat(firstTextItem(cleaned).string(0x0040A160)).hasValueSatisfying(v -> assertThat(v).startsWith("NORMAL CHEST STUDY")
                .doesNotContain("HARGREAVE").doesNotContain("2024"));
        assertThat(firstTextItem(basic).items(0x0040A043).get(0).string(0x00080104))
                .as("coded concept names stay").isEqualTo(firstTextItem(sr.root()).items(0x0040A043).get(0).string(0x00080104));
    }

    private static EditableDataset firstTextItem(EditableDataset ds) {
        for (EditableDataset item : ds.items(0x0040A730)) {
            if (item.string(0x0040A040).map(String::trim).orElse("").equals("TEXT") && item.contains(0x0040A160)) {
                return item;
            }
            EditableDataset deeper = firstTextItem(item);
            if (deeper != null) {
                return deeper;
            }
        }
        return null;
    }
}
