package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.TestData;

/**
 * Native frames are one run, however many there are; an instance with more frames than an
 * instance may have fragments is refused at STOW (the same bound: each is a unit of work).
 */
class FrameIndexTest {

    /** The real 64x64 MR's 8,192 bytes of pixels read as 4,096 frames of one 16-bit pixel. */
    private static byte[] onePixelFrames() throws Exception {
        return Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.Rows, "1").set(Tag.Columns, "1")
                .set(Tag.NumberOfFrames, "4096").toBytes();
    }

    private static DicomReader.Limits frames(int max) {
        return new DicomReader.Limits(1024, 1 << 24, 1L << 26, 1_000_000, max, 1L << 28);
    }

    @Test
    void nativeFramesAreOneRunStoredAndReadBack() throws Exception {
        FrameIndex index = InstanceParser.parse(new ByteArrayInputStream(onePixelFrames()), frames(4096)).frames().orElseThrow();
        assertThat(index.count()).isEqualTo(4096);
        long first = index.frames().get(0).get(0).offset();
        assertThat(index.frames().get(4095)).containsExactly(new FrameIndex.Range(first + 2 * 4095, 2));
        String stored = index.encode();
        assertThat(stored).hasSizeLessThan(40);
        FrameIndex read = FrameIndex.decode(stored);
        assertThat(read.count()).isEqualTo(4096);
        assertThat(read.frames().get(17)).isEqualTo(index.frames().get(17));
        assertThatThrownBy(() -> read.frames().get(4096)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void indexesStoredFrameByFrameStillRead() {
        FrameIndex read = FrameIndex.decode("100+10;110+10,130+5");
        assertThat(read.frames()).containsExactly(List.of(new FrameIndex.Range(100, 10)),
                List.of(new FrameIndex.Range(110, 10), new FrameIndex.Range(130, 5)));
    }

    @Test
    void moreFramesThanTheBoundAreRefusedWithAReason() {
        assertThatThrownBy(() -> InstanceParser.parse(new ByteArrayInputStream(onePixelFrames()), frames(4095)))
                .isInstanceOf(MalformedDicomException.class).hasMessage("the instance has more than 4095 frames");
    }
}
