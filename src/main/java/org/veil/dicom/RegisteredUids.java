package org.veil.dicom;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SOPClassDescriptions;
import com.pixelmed.dicom.TransferSyntax;
import java.util.regex.Pattern;

/**
 * Whether a UID is one the standard registered (PS3.6 Annex A): a SOP class or a transfer syntax
 * PixelMed knows, or one of the families whose numbering the standard fixes (coding schemes,
 * context groups, well-known frames of reference). A value under the DICOM root that is none of
 * these could carry anything in its digits, so the de-identification engine remaps it like any
 * instance UID rather than keep it.
 */
public final class RegisteredUids {
    /**
     * Coding schemes (2.16.n) and DCMUID (2.6.1), context groups (6.1.n), well-known frames of
     * reference (1.4.1.n and 1.4.2.n, two digits), well-known colour palettes (1.5.n), mapping
     * resources (8.1.n). A context group's number has up to four digits, which is as much as such a
     * value could carry (a frame of reference 1.4.50.3.12 would carry a birth date: not registered).
     */
    private static final Pattern FAMILIES = Pattern.compile(
            "1\\.2\\.840\\.10008\\.(2\\.16\\.[1-9]\\d?|2\\.6\\.1|6\\.1\\.[1-9]\\d{0,3}|1\\.4\\.[12]\\.[1-9]\\d?|1\\.5\\.[1-9]|8\\.1\\.[1-9]\\d?)");

    private RegisteredUids() {
    }

    public static boolean known(String uid) {
        if (uid == null || !uid.startsWith("1.2.840.10008.")) {
            return false;
        }
        if (FAMILIES.matcher(uid).matches()) {
            return true;
        }
        String description = SOPClassDescriptions.getDescriptionFromUID(uid);
        if (description != null && !description.isEmpty() && !description.equals(uid) || SOPClass.isStorage(uid)) {
            return true;
        }
        return new TransferSyntax(uid).isRecognized();
    }
}
