package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * What one stored instance may cost the reader: elements and items, fragments, inflated bytes,
 * each bounded and refused past its bound with a reason; text cut inside an escape sequence is
 * read, never a crash.
 */
class ReaderLimitsTest {
    private static DicomReader.Limits limits(int elements, int fragments, long inflated) {
        return new DicomReader.Limits(1024, 1 << 24, 1L << 26, elements, fragments, inflated);
    }

    @Test
    void elementsUpToTheBoundAreReadAndOneMoreIsRefused() throws Exception {
        // 5 of File Meta Information, 5 identifying and 990 empty ones: the bound.
        assertThat(InstanceParser.parse(new ByteArrayInputStream(HostileFiles.manyElements(990)), limits(1000, 10, 1 << 20)))
                .isNotNull();
        assertThatThrownBy(() -> InstanceParser.parse(new ByteArrayInputStream(HostileFiles.manyElements(991)),
                limits(1000, 10, 1 << 20)))
                .isInstanceOf(MalformedDicomException.class).hasMessageContaining("more than 1000 data elements");
    }

    @Test
    void fragmentsUpToTheBoundAreReadAndOneMoreIsRefused() throws Exception {
        // The basic offset table counts as a fragment.
        assertThat(InstanceParser.parse(new ByteArrayInputStream(HostileFiles.manyFragments(99)), limits(1000, 100, 1 << 20)))
                .isNotNull();
        assertThatThrownBy(() -> InstanceParser.parse(new ByteArrayInputStream(HostileFiles.manyFragments(100)),
                limits(1000, 100, 1 << 20)))
                .isInstanceOf(MalformedDicomException.class).hasMessageContaining("more than 100 fragments");
    }

    @Test
    void deflateIsInflatedOnlyUpToTheBound() throws Exception {
        byte[] small = HostileFiles.deflated(1 << 20);
        byte[] bomb = HostileFiles.deflated(64L << 20);
        assertThat(bomb.length).as("the compressed size of 64 MiB of zeros").isLessThan(200_000);
        assertThat(InstanceParser.parse(new ByteArrayInputStream(small), limits(1000, 10, 2 << 20))).isNotNull();
        assertThatThrownBy(() -> InstanceParser.parse(new ByteArrayInputStream(bomb), limits(1000, 10, 2 << 20)))
                .isInstanceOf(MalformedDicomException.class).hasMessageContaining("inflates to more than");
    }

    @ParameterizedTest(name = "name ending in {0}")
    @ValueSource(strings = {"1b", "1b24", "1b244230", "1b28", "411b244221"})
    void textCutInsideAnEscapeSequenceIsReadLeniently(String tail) throws Exception {
        ParsedInstance p = InstanceParser.parse(new ByteArrayInputStream(HostileFiles.iso2022Name(HexFormat.of().parseHex(tail))),
                DicomReader.Limits.DEFAULT);
        assertThat(p.metadataJson()).contains("\"00100010\"").contains("AAAA");
    }
}
