package org.veil.dicom;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
        Optional<FrameIndex> frames = FrameIndex.of(ds);
        if (frames.isPresent() && frames.get().count() > limits.maxFragments()) {
            // Every frame is a unit of work for retrieval and de-identification, as a fragment is;
            // one byte of pixels per frame would otherwise make millions (docs/security.md).
            throw new MalformedDicomException("the instance has more than " + limits.maxFragments() + " frames");
        }
        String path = "studies/" + study + "/series/" + series + "/instances/" + sopInstance;
        DicomJsonWriter.Bounds bounds = jsonBounds(limits);
        DicomJsonWriter.Result metadata = DicomJsonWriter.write(ds, path, tag -> true, bounds);
        DicomJsonWriter.Bounds level = new DicomJsonWriter.Bounds(MAX_LEVEL_JSON_CHARS, bounds.maxValues());
        String studyJson = level(ds, path, QueryLevel.STUDY, level);
        String seriesJson = level(ds, path, QueryLevel.SERIES, level);
        return new ParsedInstance(sopClass, sopInstance, study, series, dicom.transferSyntax(),
                dicom.datasetOffset(), ds, metadata.json(), studyJson, seriesJson,
                frames, metadata.bulkData());
    }

    /**
     * Most characters of JSON the study's and the series' attributes of one instance may make.
     * Searches answer them, and a series or instance search repeats the study's in every row: a
     * page of a thousand rows stays within a few hundred megabytes at worst. Real patient, study
     * and series attributes make a few kilobytes.
     */
    public static final long MAX_LEVEL_JSON_CHARS = 256 * 1024;

    private static String level(Dataset ds, String path, QueryLevel level, DicomJsonWriter.Bounds bounds)
            throws MalformedDicomException {
        try {
            return DicomJsonWriter.write(ds, path, tag -> isLevel(tag, level), bounds).json();
        } catch (MalformedDicomException e) {
            throw new MalformedDicomException("the instance's " + level.name().toLowerCase(java.util.Locale.ROOT)
                    + " attributes make more than " + MAX_LEVEL_JSON_CHARS + " characters of JSON");
        }
    }

    /**
     * The metadata an instance may make: twice the value bytes the reader holds (every string
     * value is in it, with its quotes and separators), and as many values in one element as the
     * instance may have elements, since each becomes an object (docs/security.md).
     */
    static DicomJsonWriter.Bounds jsonBounds(DicomReader.Limits limits) {
        return new DicomJsonWriter.Bounds(2 * limits.maxHeapBytes(), limits.maxElements());
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
