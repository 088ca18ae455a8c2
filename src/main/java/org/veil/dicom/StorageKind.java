package org.veil.dicom;

import com.pixelmed.dicom.SOPClass;
import java.util.Set;

/**
 * What a SOP Class stores, as far as de-identification cares (PS3.4 Annex B lists the classes):
 * kinds whose content Veil knows how to clean, and kinds it cannot make safe. Backed by
 * PixelMed's lists of the standard's storage classes.
 */
public enum StorageKind {
    IMAGE, STRUCTURED_REPORT, PRESENTATION_STATE, WAVEFORM, RADIOTHERAPY, SPECTROSCOPY, OTHER_COMPOSITE,
    /** Encapsulated PDF, CDA, STL, OBJ, MTL: documents whose content Veil cannot read (PS3.3 A.45). */
    ENCAPSULATED_DOCUMENT,
    /** Sound: a dictation names the patient (Basic Voice Audio, General Audio Waveform). */
    AUDIO,
    /** Video classes: every frame would need checking, and their codecs are not decoded. */
    VIDEO,
    /** Raw data and private SOP classes: vendor content no table describes. */
    RAW_OR_PRIVATE,
    /** Not a storage class Veil knows. */
    UNKNOWN;

    private static final String SOP = "1.2.840.10008.5.1.4.1.1.";
    private static final Set<String> AUDIO_CLASSES = Set.of(SOP + "9.4.1", SOP + "9.4.2");
    private static final Set<String> VIDEO_CLASSES = Set.of(SOP + "77.1.1.1", SOP + "77.1.2.1", SOP + "77.1.4.1");

    public static StorageKind of(String sopClassUid) {
        String uid = sopClassUid == null ? "" : sopClassUid.trim();
        if (uid.isEmpty()) {
            return UNKNOWN;
        }
        if (AUDIO_CLASSES.contains(uid)) {
            return AUDIO;
        }
        if (VIDEO_CLASSES.contains(uid)) {
            return VIDEO;
        }
        if (SOPClass.isEncapsulatedDocument(uid)) {
            return ENCAPSULATED_DOCUMENT;
        }
        if (SOPClass.isRawData(uid) || SOPClass.isPrivateImageStorage(uid) || SOPClass.isPrivateNonImageStorage(uid)) {
            return RAW_OR_PRIVATE;
        }
        if (SOPClass.isStructuredReport(uid) || SOPClass.isKeyObjectSelectionDocument(uid)) {
            return STRUCTURED_REPORT;
        }
        if (SOPClass.isPresentationState(uid)) {
            return PRESENTATION_STATE;
        }
        if (SOPClass.isWaveform(uid)) {
            return WAVEFORM;
        }
        if (SOPClass.isRadiotherapy(uid)) {
            return RADIOTHERAPY;
        }
        if (SOPClass.isSpectroscopy(uid)) {
            return SPECTROSCOPY;
        }
        if (SOPClass.isImageStorage(uid)) {
            return IMAGE;
        }
        return SOPClass.isStorage(uid) ? OTHER_COMPOSITE : UNKNOWN;
    }

    /** Whether Veil can make a de-identified derivative of this kind at all. */
    public boolean canBeDeidentified() {
        return switch (this) {
            case ENCAPSULATED_DOCUMENT, AUDIO, VIDEO, RAW_OR_PRIVATE, UNKNOWN -> false;
            default -> true;
        };
    }
}
