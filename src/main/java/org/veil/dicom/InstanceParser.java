package org.veil.dicom;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Turns a received Part 10 file into a {@link ParsedInstance}: checks that it is one Veil can
 * store (PS3.18 10.5 STOW-RS requirements), then computes its metadata and frame index.
 */
public final class InstanceParser {
    /**
     * PS3.5 9.1 asks for components without leading zeros; real archives hold such UIDs, so only
     * the character set and the shape are enforced, which is what keeps a UID safe in a path.
     */
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    private InstanceParser() {
    }

    public static boolean isValidUid(String s) {
        return s != null && !s.isEmpty() && s.length() <= 64 && UID.matcher(s).matches();
    }

    public static ParsedInstance parse(Path file, DicomReader.Limits limits) throws IOException, MalformedDicomException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            return parse(in, limits);
        }
    }

    /** Parses a stream to its end; the caller closes it. */
    public static ParsedInstance parse(InputStream in, DicomReader.Limits limits) throws IOException, MalformedDicomException {
        DicomFile dicom = DicomReader.read(in, limits);
        Dataset ds = dicom.dataset();
        String sopClass = requireUid(ds, Tag.SOPClassUID, "SOPClassUID");
        String sopInstance = requireUid(ds, Tag.SOPInstanceUID, "SOPInstanceUID");
        String study = requireUid(ds, Tag.StudyInstanceUID, "StudyInstanceUID");
        String series = requireUid(ds, Tag.SeriesInstanceUID, "SeriesInstanceUID");
        // The Patient Module's type 2 attributes may be empty; an instance with neither is not
        // attributable to anyone and is refused (docs/conformance.md).
        if (ds.get(Tag.PatientID).isEmpty() && ds.get(Tag.PatientName).isEmpty()) {
            throw new MalformedDicomException("PatientID and PatientName are both missing");
        }
        String path = "studies/" + study + "/series/" + series + "/instances/" + sopInstance;
        DicomJsonWriter.Result metadata = DicomJsonWriter.write(ds, path);
        String studyJson = DicomJsonWriter.write(ds, path, tag -> isLevel(tag, QueryLevel.STUDY)).json();
        String seriesJson = DicomJsonWriter.write(ds, path, tag -> isLevel(tag, QueryLevel.SERIES)).json();
        return new ParsedInstance(sopClass, sopInstance, study, series, dicom.transferSyntax(),
                dicom.datasetOffset(), ds, metadata.json(), studyJson, seriesJson,
                FrameIndex.of(ds), metadata.bulkData());
    }

    private static boolean isLevel(int tag, QueryLevel level) {
        // Returned at every level (PS3.18 Tables 10.6.3-3 to -5); PixelMed files the offset under
        // the instance only.
        if (tag == Tag.SpecificCharacterSet || tag == Tag.TimezoneOffsetFromUTC) {
            return true;
        }
        if (tag == Tag.IssuerOfPatientID) {
            // A patient attribute, a matching key at study level; PixelMed's table gives it no level.
            return level == QueryLevel.STUDY;
        }
        QueryLevel l = DataDictionary.levelOf(tag);
        return level == QueryLevel.STUDY ? (l == QueryLevel.PATIENT || l == QueryLevel.STUDY) : l == level;
    }

    /** The UID, which must be one valid value (PS3.3: these four are Type 1 with VM 1). */
    private static String requireUid(Dataset ds, int tag, String keyword) throws MalformedDicomException {
        Element e = ds.get(tag).filter(Element::isLoaded).orElseThrow(() -> new MalformedDicomException(keyword + " is missing"));
        java.util.List<String> values = ds.values(e);
        if (values.size() != 1 || values.get(0).isEmpty()) {
            throw new MalformedDicomException(values.size() > 1 ? keyword + " has more than one value" : keyword + " is missing");
        }
        if (!isValidUid(values.get(0))) {
            throw new MalformedDicomException(keyword + " is not a valid UID");
        }
        return values.get(0);
    }
}
