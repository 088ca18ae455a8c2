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
        rewritesInExplicitLittleEndianElementForElement(input);
    }

    /**
     * What parses in Implicit VR or Deflated Little Endian is rewritten in Explicit VR Little
     * Endian for retrieval (PS3.18 8.7.3.4): the rewrite reads back, under the same bounds, as the
     * same elements with the same values, or it is refused with a reason before a byte is written.
     */
    private static void rewritesInExplicitLittleEndianElementForElement(byte[] input) throws IOException {
        DicomFile original;
        try {
            original = DicomReader.read(new ByteArrayInputStream(input), LIMITS);
        } catch (MalformedDicomException e) {
            return; // parsed as an instance above, but not as a plain file: nothing to rewrite
        }
        if (!ExplicitLittleEndianCopy.copies(original.transferSyntax())) {
            return;
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("veil-fuzz", ".dcm");
        try {
            java.nio.file.Files.write(file, input);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                ExplicitLittleEndianCopy copy;
                try {
                    copy = ExplicitLittleEndianCopy.prepare(ch, LIMITS);
                } catch (MalformedDicomException refused) {
                    assertThat(refused.getMessage()).as("a refusal says why").isNotBlank();
                    return;
                }
                copy.writeTo(out);
            }
            byte[] rewritten = out.toByteArray();
            DicomFile back;
            try {
                back = DicomReader.read(new ByteArrayInputStream(rewritten), LIMITS);
            } catch (MalformedDicomException e) {
                throw new AssertionError("the rewrite does not read back: " + e.getMessage(), e);
            }
            assertThat(back.transferSyntax()).isEqualTo(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            boolean fileOffsets = original.transferSyntax() == TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
            assertThat(flatten(back.dataset(), rewritten, fileOffsets)).isEqualTo(flatten(original.dataset(), input, fileOffsets));
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /**
     * Each element as depth, tag and value bytes (group lengths, which the rewrite leaves out,
     * skipped). A value not held in memory is read from the file when its offset is a file
     * offset; in a deflated data set only its length is compared.
     */
    private static java.util.List<String> flatten(Dataset ds, byte[] file, boolean fileOffsets) {
        java.util.List<String> out = new java.util.ArrayList<>();
        flatten(ds, file, fileOffsets, 0, out);
        return out;
    }

    private static void flatten(Dataset ds, byte[] file, boolean fileOffsets, int depth, java.util.List<String> out) {
        for (Element e : ds) {
            if (Tag.isGroupLength(e.tag())) {
                continue;
            }
            String head = depth + " " + Tag.toHex(e.tag()) + " ";
            if (e.isSequence()) {
                out.add(head + "items " + e.items().size());
                for (Dataset item : e.items()) {
                    flatten(item, file, fileOffsets, depth + 1, out);
                }
            } else if (e.isLoaded()) {
                out.add(head + java.util.HexFormat.of().formatHex(e.value()));
            } else if (fileOffsets) {
                out.add(head + java.util.HexFormat.of().formatHex(file, (int) e.offset(), (int) (e.offset() + e.length())));
            } else {
                out.add(head + "length " + e.length());
            }
        }
    }
}
