package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Resolved actions for a sample of the table, written out by hand from PS3.15 Table E.1-1. */
class ActionTableTest {
    private final ActionTable table = ActionTable.standard();

    @ParameterizedTest(name = "{0} under [{1}] -> {2}")
    @CsvSource(delimiter = '|', value = {
            "00080050 | | Z",                                        // Accession Number: Z
            "00184000 | | X",                                        // Acquisition Comments: X
            "00184000 | clean-descriptors | C",
            "00400555 | | Z",                                        // Acquisition Context Sequence: X/Z
            "00400555 | clean-structured-content | C",
            "00080080 | | D",                                        // Institution Name: X/Z/D
            "00080080 | retain-institution-identity | K",
            "00080020 | | Z",                                        // Study Date: Z
            "00080020 | retain-longitudinal-full-dates | K",
            "00080020 | retain-longitudinal-modified-dates | C",
            "00181000 | | D",                                        // Device Serial Number: X/Z/D
            "00181000 | retain-device-identity | K",
            "00101010 | | X",                                        // Patient's Age
            "00101010 | retain-patient-characteristics | K",
            "00102110 | retain-patient-characteristics | C",         // Allergies
            "00080018 | | U",                                        // SOP Instance UID
            "00080018 | retain-uids | K",
            "00081140 | | U",                                        // Referenced Image Sequence: X/Z/U*
            "0020000D | | U",
            "00200052 | | U",                                        // Frame of Reference UID
            "00100010 | | Z",                                        // Patient's Name
            "00100020 | | D",                                        // Patient ID: Z/D
            "00081030 | | X",                                        // Study Description
            "00081030 | clean-descriptors | C",
            "00081030 | clean-descriptors,retain-device-identity | C",
            "00181030 | | D",                                        // Protocol Name: X/D
            "00181030 | clean-descriptors | C",
            "60004000 | | X",                                        // Overlay Comments (60xx)
            "60024000 | clean-graphics | C",
            "50001234 | | X",                                        // Curve Data (50xx,xxxx)
            "00700001 | | D",                                        // Graphic Annotation Sequence
            "00700001 | clean-graphics | C",
            "0040A730 | | D",                                        // Content Sequence
            "00080070 | | K",                                        // Manufacturer: not listed, kept
    })
    void actionsResolveAsTheStandardSays(String tag, String options, String expected) {
        Set<Option> opts = options == null ? EnumSet.noneOf(Option.class) : Stream.of(options.split(","))
                .map(o -> Option.fromConfigName(o.trim()).orElseThrow()).collect(Collectors.toCollection(() -> EnumSet.noneOf(Option.class)));
        Action a = table.actionFor(Integer.parseUnsignedInt(tag, 16), new Profile("t", opts)).orElse(Action.K);
        assertThat(a).isEqualTo(Action.valueOf(expected));
    }

    @Test
    void privateAttributesAreRemovedUnlessSafePrivateIsRetained() {
        assertThat(table.privateAction(new Profile("t", EnumSet.noneOf(Option.class)))).isEqualTo(Action.X);
        assertThat(table.privateAction(new Profile("t", EnumSet.of(Option.RETAIN_SAFE_PRIVATE)))).isEqualTo(Action.C);
    }

    @Test
    void theShippedTableIsTheExtractionAsPublished() throws Exception {
        // SHA-256 of innolitics/dicom-standard's extraction of PS3.15 Table E.1-1, as copied in
        // (docs/deidentification.md): an edit by hand to the table shows here.
        try (InputStream shipped = ActionTable.class.getResourceAsStream("/deid/ps3.15-table-e.1-1.json")) {
            assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(shipped.readAllBytes())))
                    .isEqualTo("a99a35d1278e2bace8d90ff791b11aea2d45f1e3e1230388eb5224c9dbcd29e6");
        }
        assertThat(table.size()).isEqualTo(617);
    }

    @Test
    void combinedCodesTakeThePartThatKeepsTheInstanceValid() {
        assertThat(ActionTable.basic("X/Z")).isEqualTo(Action.Z);
        assertThat(ActionTable.basic("X/D")).isEqualTo(Action.D);
        assertThat(ActionTable.basic("Z/D")).isEqualTo(Action.D);
        assertThat(ActionTable.basic("X/Z/D")).isEqualTo(Action.D);
        assertThat(ActionTable.basic("X/Z/U*")).isEqualTo(Action.U);
        assertThat(ActionTable.basic("?")).isEqualTo(Action.X);
    }
}
