package org.veil.index;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A study row; written by {@link IndexWriter}, read here. */
@Entity
@Table(name = "study")
public class StudyEntity {
    @Id
    public Long id;

    @Column(name = "study_instance_uid")
    public String studyInstanceUid;

    @Column(name = "number_of_series")
    public int numberOfSeries;

    @Column(name = "number_of_instances")
    public int numberOfInstances;
}
