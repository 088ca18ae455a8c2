package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whatever values a stored instance carries, in whatever character set it declares, its metadata
 * is valid DICOM JSON (PS3.18 F.2) of the shape each VR asks for: person names as component
 * groups, binary numbers as numbers, tags as eight hex digits. The fuzzer chooses the character
 * set, the elements (tag, VR, value bytes) and their nesting; the data set is written as Explicit
 * VR Little Endian and read by the same reader STOW uses.
 */
class DicomJsonWriterFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CHARSETS = {"", "ISO_IR 100", "ISO_IR 192", "GB18030", "GBK", "ISO_IR 13",
            "\\ISO 2022 IR 87", "ISO 2022 IR 6\\ISO 2022 IR 87", "ISO 2022 IR 13\\ISO 2022 IR 87", "\\ISO 2022 IR 149",
            "\\ISO 2022 IR 58", "ISO_IR 144", "ISO_IR 127", "ISO_IR 166", "ISO_IR 148", "NOT A CHARSET"};
    /** Person names, texts, numbers and codes of the Patient, Study and Series modules, and a private block. */
    private static final int[] TAGS = {0x00080020, 0x00080030, 0x00080050, 0x00080090, 0x00081030, 0x0008103E,
            0x00081110, 0x00100010, 0x00100030, 0x00101001, 0x00101010, 0x00101030, 0x00104000, 0x00181030,
            0x00200011, 0x00200013, 0x00280030, 0x00281050, 0x00400275, 0x00091010, 0x00091011, 0x00290010,
            0x00291020, 0x7FE00010};
    private static final Set<String> PN_GROUPS = Set.of("Alphabetic", "Ideographic", "Phonetic");
    private static final Vr[] VRS = Vr.values();

    @FuzzTest(maxDuration = "10s")
    void anyValuesBecomeWellShapedJson(FuzzedDataProvider data) throws IOException {
        TreeMap<Integer, byte[]> elements = new TreeMap<>();
        String sop = HostileFiles.newUid();
        put(elements, 0x00080005, Vr.CS, data.pickValue(CHARSETS).getBytes(StandardCharsets.US_ASCII));
        put(elements, 0x00080016, Vr.UI, "1.2.840.10008.5.1.4.1.1.7".getBytes(StandardCharsets.US_ASCII));
        put(elements, 0x00080018, Vr.UI, sop.getBytes(StandardCharsets.US_ASCII));
        put(elements, 0x00100020, Vr.LO, "FUZZ".getBytes(StandardCharsets.US_ASCII));
        put(elements, 0x0020000D, Vr.UI, HostileFiles.newUid().getBytes(StandardCharsets.US_ASCII));
        put(elements, 0x0020000E, Vr.UI, HostileFiles.newUid().getBytes(StandardCharsets.US_ASCII));
        int count = data.consumeInt(0, 12);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            int tag = data.pickValue(TAGS);
            Vr vr = data.pickValue(VRS);
            if (!elements.containsKey(tag)) {
                put(elements, tag, vr, vr == Vr.SQ ? item(data) : data.consumeBytes(data.consumeInt(0, 256)));
            }
        }
        ByteArrayOutputStream dataset = new ByteArrayOutputStream();
        elements.values().forEach(dataset::writeBytes);
        ParsedInstance parsed;
        try {
            parsed = InstanceParser.parse(new ByteArrayInputStream(HostileFiles.part10("1.2.840.10008.1.2.1", sop,
                    dataset.toByteArray())), DicomReader.Limits.DEFAULT);
        } catch (MalformedDicomException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertWellShaped(JSON.readTree(parsed.metadataJson()));
    }

    /** One item of a sequence of defined length, holding up to three fuzzed elements in tag order. */
    private static byte[] item(FuzzedDataProvider data) {
        TreeMap<Integer, byte[]> inner = new TreeMap<>();
        int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++) {
            Vr vr = data.pickValue(VRS);
            put(inner, data.pickValue(TAGS), vr == Vr.SQ ? Vr.UN : vr, data.consumeBytes(data.consumeInt(0, 64)));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        inner.values().forEach(body::writeBytes);
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        head.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(body.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.array());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** An explicit VR element with its value padded to even length (PS3.5 7.1.2). */
    private static void put(Map<Integer, byte[]> elements, int tag, Vr vr, byte[] value) {
        byte[] even = value.length % 2 == 0 ? value : java.util.Arrays.copyOf(value, value.length + 1);
        ByteBuffer b = ByteBuffer.allocate(12 + even.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (tag >>> 16)).putShort((short) tag).put(vr.name().getBytes(StandardCharsets.US_ASCII));
        if (vr.longHeader()) {
            b.putShort((short) 0).putInt(even.length);
        } else {
            b.putShort((short) even.length);
        }
        b.put(even);
        elements.put(tag, java.util.Arrays.copyOf(b.array(), b.position()));
    }

    private static void assertWellShaped(JsonNode dataset) {
        assertThat(dataset.isObject()).isTrue();
        for (Iterator<Map.Entry<String, JsonNode>> it = dataset.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertThat(e.getKey()).matches("[0-9A-F]{8}");
            JsonNode element = e.getValue();
            Vr vr = Vr.valueOf(element.path("vr").asText());
            JsonNode value = element.get("Value");
            if (value == null) {
                continue;
            }
            assertThat(value.isArray()).as(e.getKey()).isTrue();
            for (JsonNode v : value) {
                if (v.isNull()) {
                    continue;
                }
                switch (vr.kind()) {
                    case SEQUENCE -> assertWellShaped(v);
                    case PERSON_NAME -> {
                        assertThat(v.isObject()).as(e.getKey()).isTrue();
                        v.fieldNames().forEachRemaining(group -> assertThat(PN_GROUPS).contains(group));
                        v.elements().forEachRemaining(group -> assertThat(group.isTextual()).isTrue());
                    }
                    case ATTRIBUTE_TAG -> assertThat(v.asText()).matches("[0-9A-F]{8}");
                    case UINT16, INT16, UINT32, INT32, INT64, UINT64, FLOAT32, FLOAT64 ->
                            assertThat(v.isNumber()).as(e.getKey()).isTrue();
                    case DECIMAL, INTEGER_STRING -> assertThat(v.isNumber() || v.isTextual()).isTrue();
                    default -> assertThat(v.isTextual()).as(e.getKey()).isTrue();
                }
            }
        }
    }
}
