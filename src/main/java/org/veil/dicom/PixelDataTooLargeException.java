package org.veil.dicom;

/**
 * Pixel data whose decoded size is above the bound of the work asked for (rendering,
 * de-identification): it is not decoded, because decoding it would take that much memory.
 */
public class PixelDataTooLargeException extends UndecodablePixelDataException {
    public PixelDataTooLargeException(String reason) {
        super(reason);
    }

    public PixelDataTooLargeException(long decoded, long limit) {
        super("the pixel data would take " + decoded + " bytes to decode, more than the limit of " + limit);
    }
}
