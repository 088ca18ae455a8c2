package org.veil.dicom;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.InformationEntity;
import java.util.Optional;

/**
 * The standard data dictionary (PS3.6): tag, keyword and VR. Backed by PixelMed's dictionary so
 * that the tables come from one maintained source rather than a hand-typed copy.
 */
public final class DataDictionary {
    private static final DicomDictionary STANDARD = DicomDictionary.StandardDictionary;

    private DataDictionary() {
    }

    public static Optional<String> keywordForTag(int tag) {
        return Optional.ofNullable(STANDARD.getNameFromTag(toPixelMed(dictionaryTag(tag))));
    }

    public static Optional<Integer> tagForKeyword(String keyword) {
        AttributeTag t = STANDARD.getTagFromName(keyword);
        return t == null ? Optional.empty() : Optional.of((t.getGroup() << 16) | t.getElement());
    }

    /**
     * The VR an implicit-VR data set implies for a tag (PS3.5 7.1.3). Private and unknown tags
     * are UN; private creators are LO; group lengths are UL.
     */
    public static Vr vrForTag(int tag) {
        return vrForTag(tag, false);
    }

    /**
     * As {@link #vrForTag(int)}, resolving "US or SS" by the data set's Pixel Representation
     * (PS3.5 Annex A: 0001H means signed).
     */
    public static Vr vrForTag(int tag, boolean signedPixels) {
        if (Tag.isGroupLength(tag)) {
            return Vr.UL;
        }
        if (Tag.isPrivate(tag)) {
            int element = Tag.element(tag);
            return element >= 0x10 && element <= 0xFF ? Vr.LO : Vr.UN;
        }
        byte[] vr = STANDARD.getValueRepresentationFromTag(toPixelMed(dictionaryTag(tag)));
        if (vr == null || vr.length != 2) {
            return Vr.UN;
        }
        Vr known = Vr.fromBytes(vr[0], vr[1]);
        if (vr[0] == 'X' && vr[1] == 'S') {
            // LUT descriptors count entries and bits whatever the pixels' sign (PS3.3 C.7.6.3.1.5,
            // C.11.1.1.1): US, as dcmtk and dcm4che read them.
            return signedPixels && !isLutDescriptor(tag) ? Vr.SS : Vr.US;
        }
        if (known == null) {
            // PixelMed's dictionary writes ambiguous VRs such as "US or SS" as the first of them,
            // and "OX" for OB/OW; treat OX as OW as PS3.5 A.1 does for implicit pixel data.
            return vr[0] == 'O' ? Vr.OW : Vr.UN;
        }
        return known;
    }

    private static boolean isLutDescriptor(int tag) {
        return tag == 0x00283002 || (tag >= 0x00281101 && tag <= 0x00281103) || (tag >= 0x00281111 && tag <= 0x00281113);
    }

    /** The query/retrieve level an attribute belongs to (PS3.3 information entities). */
    public static QueryLevel levelOf(int tag) {
        InformationEntity ie = STANDARD.getInformationEntityFromTag(toPixelMed(dictionaryTag(tag)));
        if (ie == InformationEntity.PATIENT) {
            return QueryLevel.PATIENT;
        }
        if (ie == InformationEntity.STUDY) {
            return QueryLevel.STUDY;
        }
        if (ie == InformationEntity.SERIES) {
            return QueryLevel.SERIES;
        }
        return QueryLevel.INSTANCE;
    }

    /** Repeating groups (50xx curves, 60xx overlays) are listed once, under their base group. */
    private static int dictionaryTag(int tag) {
        int group = Tag.group(tag);
        if ((group & 0xFF00) == 0x5000 || (group & 0xFF00) == 0x6000) {
            return ((group & 0xFF00) << 16) | Tag.element(tag);
        }
        return tag;
    }

    private static AttributeTag toPixelMed(int tag) {
        return new AttributeTag(Tag.group(tag), Tag.element(tag));
    }
}
