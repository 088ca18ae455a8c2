package org.veil.dicom;

import com.pixelmed.dicom.AgeStringAttribute;
import com.pixelmed.dicom.ApplicationEntityAttribute;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DateTimeAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.FloatDoubleAttribute;
import com.pixelmed.dicom.FloatSingleAttribute;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.LongTextAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherByteAttributeOnDisk;
import com.pixelmed.dicom.OtherDoubleAttribute;
import com.pixelmed.dicom.OtherFloatAttribute;
import com.pixelmed.dicom.OtherLongAttribute;
import com.pixelmed.dicom.OtherVeryLongAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.OtherWordAttributeOnDisk;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.ShortTextAttribute;
import com.pixelmed.dicom.SignedLongAttribute;
import com.pixelmed.dicom.SignedShortAttribute;
import com.pixelmed.dicom.SignedVeryLongAttribute;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UniversalResourceAttribute;
import com.pixelmed.dicom.UnknownAttribute;
import com.pixelmed.dicom.UnlimitedCharactersAttribute;
import com.pixelmed.dicom.UnlimitedTextAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.dicom.UnsignedVeryLongAttribute;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What PixelMed and the image codecs reach by reflection, registered for the native executable:
 * PixelMed makes each attribute it reads from its VR's class by that class's public constructor
 * and asks jai-imageio's JPEG 2000 writer for its parameters by name; ImageIO makes every codec
 * plug-in named in the service files (native resources) by name, and one it cannot find fails
 * ImageIO as a whole. The JVM needs none of this.
 */
@RegisterForReflection(targets = {
        AgeStringAttribute.class,
        ApplicationEntityAttribute.class,
        AttributeTagAttribute.class,
        CodeStringAttribute.class,
        DateAttribute.class,
        DateTimeAttribute.class,
        DecimalStringAttribute.class,
        FloatDoubleAttribute.class,
        FloatSingleAttribute.class,
        IntegerStringAttribute.class,
        LongStringAttribute.class,
        LongTextAttribute.class,
        OtherByteAttribute.class,
        OtherByteAttributeOnDisk.class,
        OtherDoubleAttribute.class,
        OtherFloatAttribute.class,
        OtherLongAttribute.class,
        OtherVeryLongAttribute.class,
        OtherWordAttribute.class,
        OtherWordAttributeOnDisk.class,
        PersonNameAttribute.class,
        SequenceAttribute.class,
        ShortStringAttribute.class,
        ShortTextAttribute.class,
        SignedLongAttribute.class,
        SignedShortAttribute.class,
        SignedVeryLongAttribute.class,
        TimeAttribute.class,
        UniqueIdentifierAttribute.class,
        UniversalResourceAttribute.class,
        UnknownAttribute.class,
        UnlimitedCharactersAttribute.class,
        UnlimitedTextAttribute.class,
        UnsignedLongAttribute.class,
        UnsignedShortAttribute.class,
        UnsignedVeryLongAttribute.class
}, classNames = {
        "com.sun.media.imageio.plugins.jpeg2000.J2KImageWriteParam",
        "com.pixelmed.imageio.JPEGLosslessImageReaderSpi",
        "com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi",
        "com.github.jaiimageio.jpeg2000.impl.J2KImageWriterSpi",
        "com.github.jaiimageio.impl.stream.ChannelImageInputStreamSpi",
        "com.github.jaiimageio.impl.stream.ChannelImageOutputStreamSpi",
        "com.github.jaiimageio.impl.plugins.wbmp.WBMPImageReaderSpi",
        "com.github.jaiimageio.impl.plugins.bmp.BMPImageReaderSpi",
        "com.github.jaiimageio.impl.plugins.pcx.PCXImageReaderSpi",
        "com.github.jaiimageio.impl.plugins.pnm.PNMImageReaderSpi",
        "com.github.jaiimageio.impl.plugins.raw.RawImageReaderSpi",
        "com.github.jaiimageio.impl.plugins.tiff.TIFFImageReaderSpi",
        "com.github.jaiimageio.impl.plugins.wbmp.WBMPImageWriterSpi",
        "com.github.jaiimageio.impl.plugins.bmp.BMPImageWriterSpi",
        "com.github.jaiimageio.impl.plugins.gif.GIFImageWriterSpi",
        "com.github.jaiimageio.impl.plugins.pcx.PCXImageWriterSpi",
        "com.github.jaiimageio.impl.plugins.pnm.PNMImageWriterSpi",
        "com.github.jaiimageio.impl.plugins.raw.RawImageWriterSpi",
        "com.github.jaiimageio.impl.plugins.tiff.TIFFImageWriterSpi"
})
final class PixelMedReflection {
    private PixelMedReflection() {
    }
}
