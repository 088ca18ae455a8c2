package org.veil.index;

import java.util.Arrays;
import java.util.Optional;
import org.veil.dicom.QueryLevel;
import org.veil.dicom.Tag;

/**
 * The attributes QIDO-RS can match on (PS3.18 Table 10.6.1-5), the index column that holds
 * each, and how it matches (PS3.4 C.2.2.2).
 */
enum MatchKey {
    StudyInstanceUID(Tag.StudyInstanceUID, QueryLevel.STUDY, "s.study_instance_uid", Matching.UID_LIST),
    PatientName(Tag.PatientName, QueryLevel.STUDY, "s.patient_name", Matching.PERSON_NAME),
    PatientID(Tag.PatientID, QueryLevel.STUDY, "s.patient_id", Matching.STRING),
    IssuerOfPatientID(Tag.IssuerOfPatientID, QueryLevel.STUDY, "s.issuer_of_patient_id", Matching.STRING),
    PatientBirthDate(Tag.PatientBirthDate, QueryLevel.STUDY, "s.patient_birth_date", Matching.DATE),
    PatientSex(Tag.PatientSex, QueryLevel.STUDY, "s.patient_sex", Matching.STRING),
    StudyDate(Tag.StudyDate, QueryLevel.STUDY, "s.study_date", Matching.DATE),
    StudyTime(Tag.StudyTime, QueryLevel.STUDY, "s.study_time", Matching.TIME),
    AccessionNumber(Tag.AccessionNumber, QueryLevel.STUDY, "s.accession_number", Matching.STRING),
    StudyID(Tag.StudyID, QueryLevel.STUDY, "s.study_id", Matching.STRING),
    ReferringPhysicianName(Tag.ReferringPhysicianName, QueryLevel.STUDY, "s.referring_physician_name", Matching.PERSON_NAME),
    StudyDescription(Tag.StudyDescription, QueryLevel.STUDY, "s.study_description", Matching.STRING),
    ModalitiesInStudy(Tag.ModalitiesInStudy, QueryLevel.STUDY, "s.modalities_in_study", Matching.ARRAY_CONTAINS),
    SeriesInstanceUID(Tag.SeriesInstanceUID, QueryLevel.SERIES, "se.series_instance_uid", Matching.UID_LIST),
    Modality(Tag.Modality, QueryLevel.SERIES, "se.modality", Matching.STRING),
    SeriesNumber(Tag.SeriesNumber, QueryLevel.SERIES, "se.series_number", Matching.INTEGER),
    SeriesDescription(Tag.SeriesDescription, QueryLevel.SERIES, "se.series_description", Matching.STRING),
    SeriesDate(Tag.SeriesDate, QueryLevel.SERIES, "se.series_date", Matching.DATE),
    SeriesTime(Tag.SeriesTime, QueryLevel.SERIES, "se.series_time", Matching.TIME),
    PerformedProcedureStepStartDate(Tag.PerformedProcedureStepStartDate, QueryLevel.SERIES, "se.pps_start_date", Matching.DATE),
    PerformedProcedureStepStartTime(Tag.PerformedProcedureStepStartTime, QueryLevel.SERIES, "se.pps_start_time", Matching.TIME),
    SOPInstanceUID(Tag.SOPInstanceUID, QueryLevel.INSTANCE, "i.sop_instance_uid", Matching.UID_LIST),
    SOPClassUID(Tag.SOPClassUID, QueryLevel.INSTANCE, "i.sop_class_uid", Matching.UID_LIST),
    InstanceNumber(Tag.InstanceNumber, QueryLevel.INSTANCE, "i.instance_number", Matching.INTEGER);

    enum Matching { UID_LIST, STRING, PERSON_NAME, DATE, TIME, INTEGER, ARRAY_CONTAINS }

    final int tag;
    final QueryLevel level;
    final String column;
    final Matching matching;

    MatchKey(int tag, QueryLevel level, String column, Matching matching) {
        this.tag = tag;
        this.level = level;
        this.column = column;
        this.matching = matching;
    }

    static Optional<MatchKey> forTag(int tag) {
        return Arrays.stream(values()).filter(k -> k.tag == tag).findFirst();
    }
}
