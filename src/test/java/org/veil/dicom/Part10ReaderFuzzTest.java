package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * A STOW part is untrusted bytes: whatever they are, the Part 10 reader answers a parsed instance
 * or a {@link MalformedDicomException} with a reason, never another exception, and what it parses
 * becomes metadata that is valid DICOM JSON (PS3.18 F.2). The corpus under
 * {@code Part10ReaderFuzzTestInputs/} replays in every test run; {@code make fuzz} mutates it.
 */
class Part10ReaderFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Small bounds, so that a mutated length reaches them within a fuzzing run. */
    private static final DicomReader.Limits LIMITS = new DicomReader.Limits(256, 1 << 16, 1 << 20, 4096, 4096, 1 << 20);

    @FuzzTest(maxDuration = "${veil.fuzz.duration:0s}")
    void anyBytesParseOrAreRefusedWithAReason(byte[] input) throws IOException {
        ParsedInstance parsed;
        try {
            parsed = InstanceParser.parse(new ByteArrayInputStream(input), LIMITS);
        } catch (MalformedDicomException refused) {
            assertThat(refused.getMessage()).as("a refusal says why").isNotBlank();
            return;
        }
        assertThat(InstanceParser.isValidUid(parsed.sopInstanceUid())).isTrue();
        JsonNode metadata = JSON.readTree(parsed.metadataJson());
        assertThat(metadata.isObject()).isTrue();
        for (Iterator<String> tags = metadata.fieldNames(); tags.hasNext(); ) {
            String tag = tags.next();
            assertThat(tag).matches("[0-9A-F]{8}");
            assertThat(metadata.get(tag).path("vr").asText()).matches("[A-Z]{2}");
        }
        JSON.readTree(parsed.studyJson());
        JSON.readTree(parsed.seriesJson());
    }
}
