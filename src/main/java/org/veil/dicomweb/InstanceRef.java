package org.veil.dicomweb;

import org.veil.dicom.InstanceParser;

/**
 * The UIDs of a WADO-RS target from the request path; series and instance may be null.
 * Each is checked to be a UID, which also keeps path tricks out of every later use.
 */
public record InstanceRef(String study, String series, String instance) {

    public static InstanceRef of(String study, String series, String instance) throws InvalidRequestException {
        check(study, "StudyInstanceUID");
        if (series != null) {
            check(series, "SeriesInstanceUID");
        }
        if (instance != null) {
            check(instance, "SOPInstanceUID");
        }
        return new InstanceRef(study, series, instance);
    }

    static void check(String uid, String keyword) throws InvalidRequestException {
        if (!InstanceParser.isValidUid(uid)) {
            throw new InvalidRequestException(keyword + " in the path is not a valid UID");
        }
    }

    String level() {
        return instance != null ? "instance" : series != null ? "series" : "study";
    }
}
