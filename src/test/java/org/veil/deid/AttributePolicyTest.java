package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped attribute policy is what its generator writes from the dictionary and the table
 * ({@code -Dveil.deid.write=true} rewrites it), and it classifies attributes as the documentation
 * says, row by row.
 */
class AttributePolicyTest {
    private static final Path SHIPPED = Path.of("src/main/resources/deid/attribute-policy.tsv");

    @Test
    void theShippedPolicyIsWhatTheGeneratorWrites() throws Exception {
        String generated = AttributePolicyGenerator.generate();
        if (Boolean.getBoolean("veil.deid.write")) {
            Files.writeString(SHIPPED, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(SHIPPED, StandardCharsets.UTF_8)).isEqualTo(generated);
    }

    @ParameterizedTest(name = "{1} {0}")
    @CsvSource(nullValues = "REMOVED", value = {
            "00080008, ImageType, code",
            "00080060, Modality, code",
            "00180050, SliceThickness, number",
            "00280010, Rows, number",
            "00200032, ImagePositionPatient, number",
            "00080070, Manufacturer, text",
            "00420010, DocumentTitle, text",
            "0040A492, CompletionFlagDescription, text",
            "00080104, CodeMeaning, coded",
            "00080100, CodeValue, coded",
            "00081190, RetrieveURL, REMOVED",
            "0040E010, RetrieveURI, REMOVED",
            "00404073, StorageURL, REMOVED",
            "00142006, EvaluatorName, REMOVED",
            "00100033, PatientBirthDateInAlternativeCalendar, REMOVED",
            "00080051, IssuerOfAccessionNumberSequence, REMOVED",
            "00400032, UniversalEntityID, REMOVED",
            "00140102, SecondaryReviewDate, device",
            "00181150, ExposureTime, number",
            "00081250, RelatedSeriesSequence, sequence",
            "0018A001, ContributingEquipmentSequence, sequence",
            "52009229, SharedFunctionalGroupsSequence, sequence",
            "00282000, ICCProfile, icc",
            "7FE00010, PixelData, samples",
            "00281201, RedPaletteColorLookupTableData, samples",
            "00140023, CADFileFormat, REMOVED",
            "00020016, SourceApplicationEntityTitle, REMOVED",
            "FFFCFFFC, DataSetTrailingPadding, REMOVED",
            "00081167, MultiFrameSourceSOPInstanceUID, uid",
            "0040A121, Date, table",
            "0040A122, Time, table",
            "00181200, DateOfLastCalibration, table",
            "00100010, PatientName, table",
    })
    void rows(String tag, String keyword, String treatment) throws Exception {
        int t = Integer.parseUnsignedInt(tag, 16);
        String line = Files.readAllLines(SHIPPED).stream().filter(l -> l.startsWith("(%04X,%04X)".formatted(t >>> 16, t & 0xFFFF)))
                .findFirst().orElse(null);
        if ("table".equals(treatment)) {
            assertThat(ActionTable.standard().entryFor(t)).as(keyword + " is listed in Table E.1-1").isNotNull();
            assertThat(line).as(keyword + ": the table decides, not the policy").isNull();
        } else if (treatment == null) {
            assertThat(line).as(keyword + " is not in the policy, so it is removed").isNull();
        } else {
            assertThat(line).as(keyword).isNotNull();
            assertThat(line.split("\t")[3]).as(keyword).isEqualTo(treatment);
        }
    }
}
