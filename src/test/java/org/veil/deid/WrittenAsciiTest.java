package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.dicom.Part10Editor;

/**
 * A name written in characters of a multi-byte set whose bytes spell it in ASCII: the decoded
 * value holds no Latin word, the bytes a reader of the file sees do. Kept text (Ethnic Group under
 * Retain Patient Characteristics) and kept bytes (Frame Origin Timestamp under full dates) are read
 * both ways.
 */
class WrittenAsciiTest {
    private static final int ETHNIC_GROUP = 0x00102160;
    private static final int FRAME_ORIGIN_TIMESTAMP = 0x00340007;
    /** BAKER in GBK's second bytes: five ideographs, each 0x81 and a letter. */
    private static final byte[] BAKER_IN_GBK = {(byte) 0x81, 'B', (byte) 0x81, 'A', (byte) 0x81, 'K', (byte) 0x81, 'E', (byte) 0x81, 'R'};

    private final Deidentifier engine = Deidentifier.standard(new Keys(DeidentifierTest.SECRET));

    @Test
    void theAsciiOfWrittenCharactersIsRead() {
        Charset gbk = Charset.forName("GBK");
        assertThat(WrittenAscii.of(new String(BAKER_IN_GBK, gbk), WrittenAscii.hiding(List.of("GBK")))).isEqualTo("BAKER");
        // GB18030's four-byte characters carry a digit in their second and fourth bytes: an MRN two digits at a time
        byte[] mrn = {(byte) 0x81, '4', (byte) 0x81, '8', (byte) 0x81, '2', (byte) 0x81, '1'};
        Charset gb18030 = Charset.forName("GB18030");
        assertThat(WrittenAscii.of(new String(mrn, gb18030), WrittenAscii.hiding(List.of("GB18030")))).isEqualTo("4821");
        // every byte of a JIS X 0208 kanji is ASCII: ESC $ B, then the pairs
        byte[] jis = {0x1B, '$', 'B', 'S', 'M', 'I', 'T', 0x1B, '(', 'B'};
        String kanji = new String(jis, Charset.forName("ISO-2022-JP"));
        assertThat(kanji).doesNotContain("SMIT");
        assertThat(WrittenAscii.of(kanji, WrittenAscii.hiding(List.of("ISO 2022 IR 6", "ISO 2022 IR 87")))).isEqualTo("SMIT");
        // sets whose multi-byte characters lie above ASCII hide nothing
        assertThat(WrittenAscii.hiding(List.of("ISO_IR 192"))).isNull();
        assertThat(WrittenAscii.hiding(List.of("ISO 2022 IR 149"))).isNull();
    }

    @Test
    void aNameInTheBytesOfKeptTextIsReplaced() throws Exception {
        byte[] original = AdversarialCorpus.ct(93).text(0x00080005, "CS", "GBK").put(ETHNIC_GROUP, "SH", BAKER_IN_GBK)
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.93");
        assertThat(LeakCorpusTest.indexOf(original, BAKER_IN_GBK)).as("the name's bytes are in the original").isGreaterThanOrEqualTo(0);
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get("consultation").orElseThrow(), "consultation");
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        byte[] out = ((Outcome.Derived) outcome).part10();
        assertThat(LeakCorpusTest.indexOf(out, BAKER_IN_GBK)).as("the name's bytes in the derivative").isNegative();
        assertThat(Part10Editor.read(out).root().string(ETHNIC_GROUP)).contains("REMOVED");
    }

    @Test
    void ordinaryTextInAMultiByteSetIsKept() throws Exception {
        String han = "\u6c49\u65cf"; // the Han ethnic group, as a Chinese hospital writes it
        byte[] original = AdversarialCorpus.ct(94).text(0x00080005, "CS", "GBK").text(ETHNIC_GROUP, "SH", han, Charset.forName("GBK"))
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.94");
        Outcome outcome = engine.deidentify(original, Profiles.defaults().get("consultation").orElseThrow(), "consultation");
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        assertThat(Part10Editor.read(((Outcome.Derived) outcome).part10()).root().string(ETHNIC_GROUP)).contains(han);
    }

    @Test
    void aNameInKeptBytesRemovesThem() throws Exception {
        Profile fullDates = new Profile("full-dates", EnumSet.of(Option.RETAIN_LONGITUDINAL_FULL_DATES));
        byte[] original = AdversarialCorpus.ct(95).put(FRAME_ORIGIN_TIMESTAMP, "OB", "BAKER^JOHN".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.95");
        assertThat(LeakCorpusTest.indexOf(original, AdversarialCorpus.needle("BAKER"))).isGreaterThanOrEqualTo(0);
        Outcome outcome = engine.deidentify(original, fullDates, "full-dates");
        assertThat(outcome).isInstanceOf(Outcome.Derived.class);
        byte[] out = ((Outcome.Derived) outcome).part10();
        assertThat(LeakCorpusTest.indexOf(out, AdversarialCorpus.needle("BAKER"))).isNegative();
        assertThat(Part10Editor.read(out).root().contains(FRAME_ORIGIN_TIMESTAMP)).isFalse();
        // a timestamp's own bytes stay
        byte[] plain = AdversarialCorpus.ct(96).put(FRAME_ORIGIN_TIMESTAMP, "OB", new byte[] {0, 0, 0, 0, 0x65, 0x4F, 0x12, 0x00, 0, 0})
                .part10(AdversarialCorpus.CT, AdversarialCorpus.ROOT + ".3.96");
        Outcome kept = engine.deidentify(plain, fullDates, "full-dates");
        assertThat(Part10Editor.read(((Outcome.Derived) kept).part10()).root().contains(FRAME_ORIGIN_TIMESTAMP)).isTrue();
    }
}
