package org.veil.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.veil.dicom.ParsedInstance;
import org.veil.dicom.Tag;

/**
 * Writes one STOW request's instances into the index, in the caller's transaction (STOW's, which
 * also holds its audit row; a view's build). Rows are locked
 * in a fixed order (studies, then series, then instances, each sorted by UID) so that parallel
 * requests into the same study wait for each other instead of deadlocking, and the study and
 * series counters stay exact.
 */
public final class IndexWriter {

    private IndexWriter() {
    }

    /** Inserts into the target on the caller's connection, inside the caller's transaction. */
    public static Map<NewInstance, IndexOutcome> insert(Connection c, List<NewInstance> batch, IndexTarget target)
            throws SQLException {
        Map<NewInstance, IndexOutcome> outcomes = new HashMap<>();
        TreeMap<String, List<NewInstance>> byStudy = new TreeMap<>();
        for (NewInstance i : batch) {
            byStudy.computeIfAbsent(i.parsed().studyInstanceUid(), k -> new ArrayList<>()).add(i);
        }
        for (List<NewInstance> study : byStudy.values()) {
            insertStudy(c, target, study, outcomes);
        }
        return outcomes;
    }

    private static void insertStudy(Connection c, IndexTarget t, List<NewInstance> instances,
                                     Map<NewInstance, IndexOutcome> outcomes) throws SQLException {
        // A study none of whose instances is kept leaves no trace: no row that a search would
        // list and that would bind the UID to the refused file's patient, and no consent the
        // study's insert trigger (V10) would have carried over (PS3.18 10.5.3: nothing stored).
        // As SQL, because the pool refuses Connection.rollback(Savepoint) inside a transaction.
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT veil_study");
        }
        StudyRow study = upsertStudy(c, t, instances.get(0).parsed());
        long studyId = study.id();
        TreeMap<String, List<NewInstance>> bySeries = new TreeMap<>();
        for (NewInstance i : instances) {
            // One patient per study: the row, once committed, names the patient every later
            // instance must belong to. Another patient's instance under this UID would be read
            // (and consented) as this patient's.
            if (!study.patient().equals(PatientIdentity.of(i.parsed()))) {
                outcomes.put(i, IndexOutcome.STUDY_OF_ANOTHER_PATIENT);
                continue;
            }
            bySeries.computeIfAbsent(i.parsed().seriesInstanceUid(), k -> new ArrayList<>()).add(i);
        }
        int newSeries = 0;
        int newInstances = 0;
        List<String> modalities = new ArrayList<>();
        for (List<NewInstance> series : bySeries.values()) {
            ParsedInstance first = series.get(0).parsed();
            long[] row = upsertSeries(c, t, studyId, first);
            if (row[1] != studyId) {
                series.forEach(i -> outcomes.put(i, IndexOutcome.SERIES_IN_OTHER_STUDY));
                continue;
            }
            int added = 0;
            series.sort(Comparator.comparing(i -> i.parsed().sopInstanceUid()));
            for (NewInstance i : series) {
                IndexOutcome outcome = insertInstance(c, t, studyId, row[0], i);
                outcomes.put(i, outcome);
                if (outcome == IndexOutcome.STORED) {
                    added++;
                }
            }
            if (added > 0) {
                newSeries += (int) row[2];
                first.string(Tag.Modality).ifPresent(modalities::add);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE " + t.series() + " SET number_of_instances = number_of_instances + ? WHERE id = ?")) {
                    ps.setInt(1, added);
                    ps.setLong(2, row[0]);
                    ps.executeUpdate();
                }
            } else if (row[2] == 1) {
                // A series made for instances that were all refused (each a different file under a
                // UID stored elsewhere) is no series of this study.
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.series() + " WHERE id = ?")) {
                    ps.setLong(1, row[0]);
                    ps.executeUpdate();
                }
            }
            newInstances += added;
        }
        if (newInstances == 0) {
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK TO SAVEPOINT veil_study");
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.study() + """
                 SET number_of_series = number_of_series + ?,
                    number_of_instances = number_of_instances + ?,
                    modalities_in_study = ARRAY(SELECT DISTINCT m FROM unnest(modalities_in_study || ?::text[]) m ORDER BY m)
                WHERE id = ?""")) {
            ps.setInt(1, newSeries);
            ps.setInt(2, newInstances);
            ps.setArray(3, c.createArrayOf("text", modalities.toArray()));
            ps.setLong(4, studyId);
            ps.executeUpdate();
        }
    }

    /** The study's row id and the patient it belongs to. */
    private record StudyRow(long id, PatientIdentity patient) {
    }

    /**
     * Inserts the study or finds it. A concurrent insert of the same new UID waits for the first
     * to commit (the unique index), then takes the update branch and sees the first's patient.
     */
    private static StudyRow upsertStudy(Connection c, IndexTarget t, ParsedInstance p) throws SQLException {
        String view = t.viewId().isPresent() ? ", view_fk" : "";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.study() + """
                 (study_instance_uid, patient_name, patient_name_norm, patient_id,
                    issuer_of_patient_id, patient_birth_date, patient_sex, study_date, study_time,
                    accession_number, study_id, referring_physician_name, study_description, attributes%s)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?%s)
                ON CONFLICT (study_instance_uid) DO UPDATE SET study_instance_uid = EXCLUDED.study_instance_uid
                RETURNING id, issuer_of_patient_id, patient_id""".formatted(view, view.isEmpty() ? "" : ", ?"))) {
            Optional<String> name = p.string(Tag.PatientName);
            ps.setString(1, p.studyInstanceUid());
            set(ps, 2, name.map(PersonNames::matchForm).filter(n -> !n.isEmpty()));
            set(ps, 3, name.map(PersonNames::normalize));
            set(ps, 4, p.string(Tag.PatientID));
            set(ps, 5, p.string(Tag.IssuerOfPatientID));
            set(ps, 6, p.string(Tag.PatientBirthDate));
            set(ps, 7, p.string(Tag.PatientSex));
            // Only a date (PS3.5 DA, eight digits) is indexed: "UNKNOWN" or "2020.01.15" would sort
            // ahead of every date in the newest-first order (docs/conformance.md, "Search") and no
            // validated date query can match it. The value stays in the study's attributes.
            set(ps, 8, p.string(Tag.StudyDate).map(String::trim).filter(d -> d.matches("\\d{8}")));
            set(ps, 9, p.string(Tag.StudyTime));
            set(ps, 10, p.string(Tag.AccessionNumber));
            set(ps, 11, p.string(Tag.StudyID));
            set(ps, 12, p.string(Tag.ReferringPhysicianName).map(PersonNames::matchForm).filter(n -> !n.isEmpty()));
            set(ps, 13, p.string(Tag.StudyDescription));
            ps.setString(14, p.studyJson());
            if (t.viewId().isPresent()) {
                ps.setLong(15, t.viewId().getAsLong());
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new StudyRow(rs.getLong(1), new PatientIdentity(rs.getString(2), rs.getString(3)));
            }
        }
    }

    /** Returns {id, study_fk, 1 if inserted else 0}. */
    private static long[] upsertSeries(Connection c, IndexTarget t, long studyId, ParsedInstance p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.series() + """
                 (study_fk, series_instance_uid, modality, series_number, series_description,
                    series_date, series_time, pps_start_date, pps_start_time, attributes,
                    requested_procedure_ids, scheduled_step_ids)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (series_instance_uid) DO UPDATE SET series_instance_uid = EXCLUDED.series_instance_uid
                RETURNING id, study_fk, (xmax = 0) AS inserted""")) {
            ps.setLong(1, studyId);
            ps.setString(2, p.seriesInstanceUid());
            set(ps, 3, p.string(Tag.Modality));
            setInt(ps, 4, p.integer(Tag.SeriesNumber));
            set(ps, 5, p.string(Tag.SeriesDescription));
            set(ps, 6, p.string(Tag.SeriesDate));
            set(ps, 7, p.string(Tag.SeriesTime));
            set(ps, 8, p.string(Tag.PerformedProcedureStepStartDate));
            set(ps, 9, p.string(Tag.PerformedProcedureStepStartTime));
            ps.setString(10, p.seriesJson());
            ps.setArray(11, c.createArrayOf("text", p.itemStrings(Tag.RequestAttributesSequence, Tag.RequestedProcedureID).toArray()));
            ps.setArray(12, c.createArrayOf("text", p.itemStrings(Tag.RequestAttributesSequence, Tag.ScheduledProcedureStepID).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getBoolean(3) ? 1 : 0};
            }
        }
    }

    private static IndexOutcome insertInstance(Connection c, IndexTarget t, long studyId, long seriesId, NewInstance i)
            throws SQLException {
        ParsedInstance p = i.parsed();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.instance() + """
                 (series_fk, study_fk, sop_instance_uid, sop_class_uid, instance_number,
                    transfer_syntax_uid, number_of_frames, rows, columns, storage_key, size_bytes, sha256,
                    dataset_offset, metadata, frames, bulk_data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (sop_instance_uid) DO NOTHING
                RETURNING id""")) {
            ps.setLong(1, seriesId);
            ps.setLong(2, studyId);
            ps.setString(3, p.sopInstanceUid());
            ps.setString(4, p.sopClassUid());
            setInt(ps, 5, p.integer(Tag.InstanceNumber));
            ps.setString(6, p.transferSyntax().uid());
            setInt(ps, 7, p.integer(Tag.NumberOfFrames));
            setInt(ps, 8, p.integer(Tag.Rows));
            setInt(ps, 9, p.integer(Tag.Columns));
            ps.setString(10, i.storageKey());
            ps.setLong(11, i.size());
            ps.setString(12, i.sha256());
            ps.setLong(13, p.datasetOffset());
            ps.setString(14, p.metadataJson());
            set(ps, 15, p.frames().map(org.veil.dicom.FrameIndex::encode));
            ps.setString(16, BulkDataIndex.encode(p.bulkData()));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return IndexOutcome.STORED;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM " + t.instance() + " WHERE sop_instance_uid = ?")) {
            ps.setString(1, p.sopInstanceUid());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1).equals(i.sha256()) ? IndexOutcome.ALREADY_STORED : IndexOutcome.CONFLICTING_DUPLICATE;
            }
        }
    }

    private static void set(PreparedStatement ps, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            ps.setString(index, value.get());
        } else {
            ps.setNull(index, Types.VARCHAR);
        }
    }

    private static void setInt(PreparedStatement ps, int index, Optional<Integer> value) throws SQLException {
        if (value.isPresent()) {
            ps.setInt(index, value.get());
        } else {
            ps.setNull(index, Types.INTEGER);
        }
    }
}
