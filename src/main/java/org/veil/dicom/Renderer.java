package org.veil.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.display.ConsumerFormatImageMaker;
import com.pixelmed.display.SourceImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Renders frames of an instance as consumer images (PS3.18 8.3.5, rendered and thumbnail
 * resources): modality rescale, the VOI window (the request's, else the instance's own, else the
 * pixel range), MONOCHROME1 inversion, palette colour, RGB and YBR, to eight bits, then scaled
 * into the viewport and encoded. PixelMed does the pixel pipeline; it gives the same pixels as
 * dcmtk's dcmj2pnm for the same window.
 */
public final class Renderer {

    /** An output format: its media type and the ImageIO writer that makes it. */
    public enum Format {
        JPEG("image/jpeg", "jpeg"), PNG("image/png", "png"), GIF("image/gif", "gif");

        public final String mediaType;
        private final String writer;

        Format(String mediaType, String writer) {
            this.mediaType = mediaType;
            this.writer = writer;
        }
    }

    /** @param function LINEAR, LINEAR_EXACT or SIGMOID (PS3.3 C.11.2.1.2) */
    public record Window(double center, double width, String function) {
    }

    public record Viewport(int width, int height) {
    }

    /** @param quality 1 to 100, for JPEG */
    public record Options(Optional<Window> window, Optional<Viewport> viewport, Format format, int quality) {
    }

    private static final AttributeTag PIXEL_DATA = new AttributeTag(0x7FE0, 0x0010);
    private static final AttributeTag VOI_LUT_SEQUENCE = new AttributeTag(0x0028, 0x3010);
    private static final AttributeTag VOI_LUT_FUNCTION = new AttributeTag(0x0028, 0x1056);

    private final SourceImage source;
    private final long decodedBytes;

    private Renderer(SourceImage source, long decodedBytes) {
        this.source = source;
        this.decodedBytes = decodedBytes;
    }

    /** The bytes of decoded samples opening it made: every frame of the instance, whichever is rendered. */
    public long decodedBytes() {
        return decodedBytes;
    }

    /**
     * Decodes an instance for rendering, with the request's window in place of the instance's;
     * the stored transfer syntax, known from the index, spares a parse of what cannot be decoded.
     *
     * @throws NotAnImageException when it has no pixel data
     * @throws UndecodablePixelDataException when its transfer syntax or samples cannot be decoded
     */
    public static Renderer open(byte[] part10, String transferSyntax, Optional<Window> window, long maxDecodedBytes)
            throws IOException, MalformedDicomException, UndecodablePixelDataException, NotAnImageException {
        if (!Part10Editor.canDecode(transferSyntax)) {
            throw new UndecodablePixelDataException("pixel data in this transfer syntax cannot be rendered");
        }
        Part10Editor decoded = Part10Editor.readDecoded(part10, maxDecodedBytes);
        com.pixelmed.dicom.AttributeList list = decoded.attributes();
        if (list.get(PIXEL_DATA) == null) {
            throw new NotAnImageException();
        }
        try {
            if (window.isPresent()) {
                Attribute center = new DecimalStringAttribute(new AttributeTag(0x0028, 0x1050));
                center.addValue(window.get().center());
                Attribute width = new DecimalStringAttribute(new AttributeTag(0x0028, 0x1051));
                width.addValue(window.get().width());
                ConsumerFormatImageMaker.replaceWindowWidthAndCenterInAttributeList(list, center, width);
                list.remove(VOI_LUT_SEQUENCE);
                Attribute function = new CodeStringAttribute(VOI_LUT_FUNCTION);
                function.addValue(window.get().function());
                list.put(function);
            }
            return new Renderer(new SourceImage(list), Math.max(0, decoded.decodedPixelBytes()));
        } catch (DicomException | RuntimeException e) {
            throw new UndecodablePixelDataException("the pixel data cannot be rendered");
        }
    }

    public int frames() {
        return source.getNumberOfBufferedImages();
    }

    /** The pixels of one rendered frame under these options: the source's, or fitted to the viewport. */
    public long outputPixels(Options options) {
        int w = source.getWidth();
        int h = source.getHeight();
        if (options.viewport().isEmpty()) {
            return (long) w * h;
        }
        int[] size = fitted(w, h, options.viewport().get());
        return (long) size[0] * size[1];
    }

    private static int[] fitted(int width, int height, Viewport v) {
        double scale = Math.min((double) v.width() / width, (double) v.height() / height);
        return new int[] {Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    /** One frame, counted from 1, as an encoded image. */
    public byte[] render(int frame, Options options) throws IOException, UndecodablePixelDataException {
        BufferedImage image;
        try {
            image = ConsumerFormatImageMaker.makeEightBitFrame(source, frame - 1);
        } catch (RuntimeException e) {
            throw new UndecodablePixelDataException("the frame cannot be rendered");
        }
        if (image == null) {
            throw new UndecodablePixelDataException("the frame cannot be rendered");
        }
        if (options.viewport().isPresent()) {
            image = fit(image, options.viewport().get());
        }
        return encode(image, options);
    }

    /** Scaled to fit the viewport, keeping the aspect ratio, never enlarged past it. */
    private static BufferedImage fit(BufferedImage image, Viewport v) {
        int[] size = fitted(image.getWidth(), image.getHeight(), v);
        int w = size[0];
        int h = size[1];
        int type = image.getType() == BufferedImage.TYPE_BYTE_GRAY ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB;
        BufferedImage out = new BufferedImage(w, h, type);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static byte[] encode(BufferedImage image, Options options) throws IOException {
        BufferedImage out = image;
        if (options.format() == Format.JPEG && image.getType() != BufferedImage.TYPE_BYTE_GRAY
                && image.getType() != BufferedImage.TYPE_INT_RGB && image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            // The JPEG writer takes grey or three-component images only.
            out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.drawImage(image, 0, 0, null);
            g.dispose();
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(options.format().writer);
        if (!writers.hasNext()) {
            throw new IOException("no " + options.format().name().toLowerCase(Locale.ROOT) + " encoder");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (options.format() == Format.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(options.quality() / 100f);
            }
            writer.write(null, new IIOImage(out, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
