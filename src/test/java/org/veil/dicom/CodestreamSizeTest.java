package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decode bombs: a compressed frame of a few bytes whose own header declares 46,000 x 46,000
 * pixels, under Rows and Columns of 1. The decoders allocate what the codestream declares, so
 * the size is read before any of them runs, and such a frame is refused at once.
 */
class CodestreamSizeTest {
    private static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    private static final String JPEG_LS = "1.2.840.10008.1.2.4.80";
    private static final String JPEG_2000 = "1.2.840.10008.1.2.4.90";

    /** A JPEG's start of frame, as ImageIO writes it, says the image's size. */
    @Test
    void aRealJpegDeclaresItsSize() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(37, 21, BufferedImage.TYPE_BYTE_GRAY), "jpg", out);
        assertThat(CodestreamSize.jpeg(out.toByteArray())).contains(new CodestreamSize.Size(37, 21));
    }

    /** A 65,535-byte APP1 before the start of frame does not hide it: segments are walked by their lengths. */
    @Test
    void aLongSegmentBeforeTheFrameHeaderDoesNotHideIt() {
        byte[] bomb = jpeg(0xC0, 46_000, 46_000);
        // length 65,535 (two bytes of it are the length itself)
        byte[] head = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, (byte) 0xFF, (byte) 0xFF};
        byte[] frame = new byte[head.length + 65_533 + bomb.length - 2];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(bomb, 2, frame, head.length + 65_533, bomb.length - 2);
        assertThat(CodestreamSize.jpeg(frame)).contains(new CodestreamSize.Size(46_000, 46_000));
        byte[] file = HostileFiles.oneFrame(JPEG_BASELINE, frame);
        assertThatThrownBy(() -> Part10Editor.readDecoded(file, 256L << 20)).hasMessageContaining("declares a larger image");
    }

    /** A JP2 file whose boxes before the codestream are larger than any byte search would reach. */
    @Test
    void aJp2FilesBoxesAreWalkedToTheCodestream() {
        byte[] codestream = j2k(46_000, 46_000);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + 8 + 100_000 + 8 + codestream.length);
        b.putInt(12).putInt(0x6A502020).putInt(0x0D0A870A);          // signature box
        b.putInt(8 + 100_000).putInt(0x786D6C20).put(new byte[100_000]); // an XML box of 100,000 bytes
        b.putInt(8 + codestream.length).putInt(0x6A703263).put(codestream);
        assertThat(CodestreamSize.jpeg2000(b.array())).contains(new CodestreamSize.Size(46_000, 46_000));
    }

    /** RLE has no codestream header: its segments are not read as one, whatever bytes they hold. */
    @Test
    void rleFramesAreNotReadAsJpeg2000() {
        assertThat(CodestreamSize.family("1.2.840.10008.1.2.5")).isEqualTo(CodestreamSize.Family.NONE);
        assertThat(CodestreamSize.of(CodestreamSize.Family.NONE, j2k(46_000, 46_000))).isEmpty();
    }

    @Test
    void aJpeg2000SizSaysItsSizeLessTheOrigin() {
        assertThat(CodestreamSize.jpeg2000(j2k(46_000, 46_000))).contains(new CodestreamSize.Size(46_000, 46_000));
        assertThat(CodestreamSize.jpeg2000(new byte[] {1, 2, 3, 4, 5})).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {JPEG_BASELINE, JPEG_LS, JPEG_2000})
    @Timeout(30)
    void aFrameDeclaringGigabytesUnderRowsAndColumnsOfOneIsRefusedBeforeDecoding(String syntax) {
        byte[] frame = switch (syntax) {
            case JPEG_BASELINE -> jpeg(0xC0, 46_000, 46_000);
            case JPEG_LS -> jpeg(0xF7, 46_000, 46_000);
            default -> j2k(46_000, 46_000);
        };
        byte[] bomb = HostileFiles.oneFrame(syntax, frame);
        assertThatThrownBy(() -> Part10Editor.readDecoded(bomb, 256L << 20)).isInstanceOf(UndecodablePixelDataException.class)
                .hasMessageContaining("declares a larger image");
    }

    /** SOI and a start of frame (8 bits, one component) of the given marker and size, then EOI. */
    private static byte[] jpeg(int marker, int width, int height) {
        return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) marker, 0, 11, 8, (byte) (height >> 8), (byte) height,
            (byte) (width >> 8), (byte) width, 1, 1, 0x11, 0, (byte) 0xFF, (byte) 0xD9};
    }

    /** SOC and a SIZ segment of one 8-bit component, then EOC. */
    private static byte[] j2k(long width, long height) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 + 2 + 41 + 2);
        b.putShort((short) 0xFF4F).putShort((short) 0xFF51).putShort((short) 41).putShort((short) 0)
                .putInt((int) width).putInt((int) height).putInt(0).putInt(0)
                .putInt((int) width).putInt((int) height).putInt(0).putInt(0)
                .putShort((short) 1).put((byte) 7).put((byte) 1).put((byte) 1)
                .putShort((short) 0xFFD9);
        return b.array();
    }
}
