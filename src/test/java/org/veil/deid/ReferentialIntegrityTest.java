package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.EditableDataset;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicom.Vr;

/**
 * A study of four instances, the last referring to two of the others inside sequences: after
 * de-identification every reference resolves to a derived instance that exists, and study,
 * series, frame of reference and patient agree across the study.
 */
class ReferentialIntegrityTest {
    private static final int REFERENCED_IMAGE_SEQUENCE = 0x00081140;
    private static final int SOURCE_IMAGE_SEQUENCE = 0x00082112;
    private static final int REFERENCED_SOP_INSTANCE_UID = 0x00081155;
    private static final int REFERENCED_SOP_CLASS_UID = 0x00081150;
    private static final int FRAME_OF_REFERENCE_UID = 0x00200052;

    private final Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));

    @Test
    void referencesResolveToDerivedInstancesThatExist() throws Exception {
        List<EditableDataset> derived = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Part10Editor e = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm"))
                    .set(Tag.StudyInstanceUID, "1.2.826.0.1.3680043.99.1")
                    .set(Tag.SeriesInstanceUID, "1.2.826.0.1.3680043.99.1.1")
                    .set(Tag.SOPInstanceUID, "1.2.826.0.1.3680043.99.1.1." + i)
                    .set(FRAME_OF_REFERENCE_UID, "1.2.826.0.1.3680043.99.7");
            if (i == 4) {
                reference(e.root(), REFERENCED_IMAGE_SEQUENCE, "1.2.826.0.1.3680043.99.1.1.1");
                reference(e.root(), SOURCE_IMAGE_SEQUENCE, "1.2.826.0.1.3680043.99.1.1.2");
            }
            Outcome.Derived d = (Outcome.Derived) engine.deidentify(e.toBytes(), Profiles.defaults().get("research").orElseThrow(), "research");
            derived.add(Part10Editor.read(d.part10()).root());
        }
        Set<String> sops = new HashSet<>();
        derived.forEach(d -> sops.add(d.string(Tag.SOPInstanceUID).orElseThrow()));
        assertThat(sops).hasSize(4).allMatch(u -> u.startsWith("2.25."));
        EditableDataset last = derived.get(3);
        String referenced = last.items(REFERENCED_IMAGE_SEQUENCE).get(0).string(REFERENCED_SOP_INSTANCE_UID).orElseThrow();
        String source = last.items(SOURCE_IMAGE_SEQUENCE).get(0).string(REFERENCED_SOP_INSTANCE_UID).orElseThrow();
        assertThat(referenced).isEqualTo(derived.get(0).string(Tag.SOPInstanceUID).orElseThrow());
        assertThat(source).isEqualTo(derived.get(1).string(Tag.SOPInstanceUID).orElseThrow());
        assertThat(last.items(REFERENCED_IMAGE_SEQUENCE).get(0).string(REFERENCED_SOP_CLASS_UID))
                .contains("1.2.840.10008.5.1.4.1.1.7");
        for (int tag : new int[] {Tag.StudyInstanceUID, Tag.SeriesInstanceUID, FRAME_OF_REFERENCE_UID, Tag.PatientID,
                Tag.StudyDate, Tag.StudyID}) {
            Set<String> values = new HashSet<>();
            derived.forEach(d -> values.add(d.string(tag).orElse("")));
            assertThat(values).as(Tag.toHex(tag)).hasSize(1);
        }
        assertThat(derived.get(0).string(FRAME_OF_REFERENCE_UID).orElseThrow()).startsWith("2.25.");
    }

    private static void reference(EditableDataset root, int sequence, String sopInstanceUid) {
        EditableDataset item = root.newSequence(sequence, 1).get(0);
        item.put(REFERENCED_SOP_CLASS_UID, Vr.UI, "1.2.840.10008.5.1.4.1.1.7");
        item.put(REFERENCED_SOP_INSTANCE_UID, Vr.UI, sopInstanceUid);
    }
}
