package org.veil.index;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** A series row; written by {@link IndexWriter}, read here. */
@Entity
@Table(name = "series")
public class SeriesEntity {
    @Id
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "study_fk")
    public StudyEntity study;

    @Column(name = "series_instance_uid")
    public String seriesInstanceUid;

    @Column(name = "number_of_instances")
    public int numberOfInstances;
}
