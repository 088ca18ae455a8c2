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
    /** Request Attributes Sequence > Requested Procedure ID: a series matches when one of its items does. */
    RequestedProcedureID(Tag.RequestAttributesSequence, Tag.RequestedProcedureID, QueryLevel.SERIES, "se.requested_procedure_ids"),
    /** Request Attributes Sequence > Scheduled Procedure Step ID, as above. */
    ScheduledProcedureStepID(Tag.RequestAttributesSequence, Tag.ScheduledProcedureStepID, QueryLevel.SERIES, "se.scheduled_step_ids"),
    SOPInstanceUID(Tag.SOPInstanceUID, QueryLevel.INSTANCE, "i.sop_instance_uid", Matching.UID_LIST),
    SOPClassUID(Tag.SOPClassUID, QueryLevel.INSTANCE, "i.sop_class_uid", Matching.UID_LIST),
    InstanceNumber(Tag.InstanceNumber, QueryLevel.INSTANCE, "i.instance_number", Matching.INTEGER);

    /**
     * ARRAY_CONTAINS takes a CS list, whose values hold no comma, split at commas and backslashes;
     * ITEM_VALUES the values of a sequence's items (SH), split at backslashes only (PS3.18
     * 8.3.4.1.2), as every other string key.
     */
    enum Matching { UID_LIST, STRING, PERSON_NAME, DATE, TIME, INTEGER, ARRAY_CONTAINS, ITEM_VALUES }

    /** The sequence whose items hold the attribute, or 0 for an attribute of the data set itself. */
    final int sequence;
    final int tag;
    final QueryLevel level;
    final String column;
    final Matching matching;

    MatchKey(int tag, QueryLevel level, String column, Matching matching) {
        this(0, tag, level, column, matching);
    }

    /** An attribute of a sequence's items, held as the array of their values and matched as any of them. */
    MatchKey(int sequence, int tag, QueryLevel level, String column) {
        this(sequence, tag, level, column, Matching.ITEM_VALUES);
    }

    private MatchKey(int sequence, int tag, QueryLevel level, String column, Matching matching) {
        this.sequence = sequence;
        this.tag = tag;
        this.level = level;
        this.column = column;
        this.matching = matching;
    }

    /** The key of an attribute of the data set itself. */
    static Optional<MatchKey> forTag(int tag) {
        return forPath(0, tag);
    }

    /** The key of an attribute in the items of {@code sequence} (0: of the data set itself). */
    static Optional<MatchKey> forPath(int sequence, int tag) {
        return Arrays.stream(values()).filter(k -> k.sequence == sequence && k.tag == tag).findFirst();
    }

    /** The attribute an answer returns for this key: the sequence, for a key inside one. */
    int returned() {
        return sequence != 0 ? sequence : tag;
    }
}
