package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.veil.TestData;

/**
 * An instance's metadata JSON is bounded by what the reader holds, not only its values' bytes: a
 * person name of one-letter values makes ten characters of JSON for every two bytes stored.
 */
class MetadataBoundsTest {
    /** Person Name (0040,A123), of SR content: an instance's attribute, not the patient's. */
    private static final int PERSON_NAME = 0x0040A123;

    private static DicomReader.Limits limits(long heapBytes, int elements) {
        return new DicomReader.Limits(1024, 1 << 24, heapBytes, elements, 1_000_000, 1L << 28);
    }

    private static byte[] withNames(int count) throws Exception {
        return Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(PERSON_NAME, "a\\".repeat(count - 1) + "a")
                .toBytes();
    }

    @Test
    void jsonManyTimesTheValueIsRefused() throws Exception {
        // 60 KB of values within a 100 KB reader budget; about 540,000 characters of JSON against 200,000.
        byte[] file = withNames(30_000);
        assertThatThrownBy(() -> InstanceParser.parse(new ByteArrayInputStream(file), limits(100_000, 1_000_000)))
                .isInstanceOf(MalformedDicomException.class).hasMessage("the instance's metadata is larger than 200000 characters of JSON");
        // The same file within the default bounds is read, and its names are all there.
        ParsedInstance p = InstanceParser.parse(new ByteArrayInputStream(file), DicomReader.Limits.DEFAULT);
        assertThat(p.metadataJson()).contains("\"0040A123\"");
        assertThat(p.metadataJson().split("Alphabetic", -1)).hasSizeGreaterThan(30_000);
    }

    /** Study and series attributes are repeated in search answers: their JSON is bounded tighter than an instance's. */
    @Test
    void studyAttributesOfMoreThanAQuarterMegabyteAreRefused() throws Exception {
        // 60 KB of one-letter names: about 540,000 characters of JSON.
        String names = "a\\".repeat(29_999) + "a";
        byte[] patient = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.PatientName, names).toBytes();
        assertThatThrownBy(() -> InstanceParser.parse(new ByteArrayInputStream(patient), DicomReader.Limits.DEFAULT))
                .isInstanceOf(MalformedDicomException.class).hasMessage("the instance's study attributes make more than 262144 characters of JSON");
        byte[] instance = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(PERSON_NAME, names).toBytes();
        assertThat(InstanceParser.parse(new ByteArrayInputStream(instance), DicomReader.Limits.DEFAULT).metadataJson()).contains("\"0040A123\"");
    }

    @Test
    void moreValuesInOneElementThanElementsAllowedIsRefused() throws Exception {
        byte[] file = withNames(2_000);
        assertThatThrownBy(() -> InstanceParser.parse(new ByteArrayInputStream(file), limits(1L << 26, 1_999)))
                .isInstanceOf(MalformedDicomException.class).hasMessage("an element of the instance has more than 1999 values");
        assertThat(InstanceParser.parse(new ByteArrayInputStream(file), limits(1L << 26, 2_001)).metadataJson())
                .contains("\"0040A123\"");
    }
}
