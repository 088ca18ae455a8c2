package org.veil.dicom;

/**
 * Tags Veil reads by name, as {@code 0xGGGGEEEE}. The full dictionary is {@link DataDictionary}.
 */
public final class Tag {
    public static final int FileMetaInformationGroupLength = 0x00020000;
    public static final int MediaStorageSOPClassUID = 0x00020002;
    public static final int MediaStorageSOPInstanceUID = 0x00020003;
    public static final int TransferSyntaxUID = 0x00020010;
    public static final int SpecificCharacterSet = 0x00080005;
    public static final int SOPClassUID = 0x00080016;
    public static final int SOPInstanceUID = 0x00080018;
    public static final int StudyDate = 0x00080020;
    public static final int SeriesDate = 0x00080021;
    public static final int StudyTime = 0x00080030;
    public static final int SeriesTime = 0x00080031;
    public static final int AccessionNumber = 0x00080050;
    public static final int Modality = 0x00080060;
    public static final int ModalitiesInStudy = 0x00080061;
    public static final int ReferringPhysicianName = 0x00080090;
    public static final int TimezoneOffsetFromUTC = 0x00080201;
    public static final int StudyDescription = 0x00081030;
    public static final int SeriesDescription = 0x0008103E;
    public static final int PatientName = 0x00100010;
    public static final int PatientID = 0x00100020;
    public static final int IssuerOfPatientID = 0x00100021;
    public static final int PatientBirthDate = 0x00100030;
    public static final int PatientSex = 0x00100040;
    public static final int StudyInstanceUID = 0x0020000D;
    public static final int SeriesInstanceUID = 0x0020000E;
    public static final int StudyID = 0x00200010;
    public static final int SeriesNumber = 0x00200011;
    public static final int InstanceNumber = 0x00200013;
    public static final int NumberOfStudyRelatedSeries = 0x00201206;
    public static final int NumberOfStudyRelatedInstances = 0x00201208;
    public static final int NumberOfSeriesRelatedInstances = 0x00201209;
    public static final int NumberOfFrames = 0x00280008;
    public static final int PhotometricInterpretation = 0x00280004;
    public static final int Rows = 0x00280010;
    public static final int Columns = 0x00280011;
    public static final int BitsAllocated = 0x00280100;
    public static final int SamplesPerPixel = 0x00280002;
    public static final int PerformedProcedureStepStartDate = 0x00400244;
    public static final int PerformedProcedureStepStartTime = 0x00400245;
    public static final int RequestAttributesSequence = 0x00400275;
    public static final int ScheduledProcedureStepID = 0x00400009;
    public static final int RequestedProcedureID = 0x00401001;
    public static final int RetrieveURL = 0x00081190;
    public static final int FailedSOPSequence = 0x00081198;
    public static final int ReferencedSOPSequence = 0x00081199;
    public static final int ReferencedSOPClassUID = 0x00081150;
    public static final int ReferencedSOPInstanceUID = 0x00081155;
    public static final int FailureReason = 0x00081197;
    public static final int WarningReason = 0x00081196;
    public static final int FloatPixelData = 0x7FE00008;
    public static final int DoubleFloatPixelData = 0x7FE00009;
    public static final int PixelData = 0x7FE00010;
    public static final int DataSetTrailingPadding = 0xFFFCFFFC;
    public static final int Item = 0xFFFEE000;
    public static final int ItemDelimitationItem = 0xFFFEE00D;
    public static final int SequenceDelimitationItem = 0xFFFEE0DD;

    private Tag() {
    }

    public static int group(int tag) {
        return tag >>> 16;
    }

    public static int element(int tag) {
        return tag & 0xFFFF;
    }

    public static boolean isPrivate(int tag) {
        return (group(tag) & 1) == 1;
    }

    /** Group length elements (gggg,0000) are retired outside the meta group (PS3.5 7.2). */
    public static boolean isGroupLength(int tag) {
        return element(tag) == 0;
    }

    /** Uppercase eight-digit hex, as DICOM JSON keys (PS3.18 F.2.1.1). */
    public static String toHex(int tag) {
        char[] out = new char[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = Character.toUpperCase(Character.forDigit(tag & 0xF, 16));
            tag >>>= 4;
        }
        return new String(out);
    }

    /** Parses eight hex digits; returns -1 for anything else. */
    public static int parseHex(String s) {
        if (s == null || s.length() != 8) {
            return -1;
        }
        int tag = 0;
        for (int i = 0; i < 8; i++) {
            char c = s.charAt(i);
            // ASCII only: Character.digit also reads the digits of other scripts (NKo's U+07C0 is 0).
            int d = c < 128 ? Character.digit(c, 16) : -1;
            if (d < 0) {
                return -1;
            }
            tag = (tag << 4) | d;
        }
        return tag;
    }
}
