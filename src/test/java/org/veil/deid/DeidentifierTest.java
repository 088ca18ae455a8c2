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
        Outcome.Derived d = (Outcome.Derived) engine.deidentify(TestData.bytes("real/CT-MONO2-16-ankle.dcm"),
                new Profile("keep-uids", EnumSet.of(Option.RETAIN_UIDS)), "x");
        EditableDataset original = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).root();
        assertThat(Part10Editor.read(d.part10()).root().string(Tag.SOPInstanceUID)).isEqualTo(original.string(Tag.SOPInstanceUID));
    }
}
