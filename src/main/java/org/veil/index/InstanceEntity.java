package org.veil.index;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/**
 * An instance row: where its file is and its precomputed metadata, frames and bulk data. Written
 * by {@link IndexWriter}; read through {@link InstanceRepository} as {@link StoredInstance}.
 */
@Entity
@Table(name = "instance")
public class InstanceEntity {
    @Id
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "series_fk")
    public SeriesEntity series;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "study_fk")
    public StudyEntity study;

    @Column(name = "sop_instance_uid")
    public String sopInstanceUid;

    @Column(name = "sop_class_uid")
    public String sopClassUid;

    @Column(name = "instance_number")
    public Integer instanceNumber;

    @Column(name = "transfer_syntax_uid")
    public String transferSyntaxUid;

    @Column(name = "storage_key")
    public String storageKey;

    @Column(name = "size_bytes")
    public long sizeBytes;

    @Column(name = "sha256")
    public String sha256;

    @Column(name = "dataset_offset")
    public long datasetOffset;

    @Column(name = "metadata")
    public String metadata;

    @Column(name = "frames")
    public String frames;

    @Column(name = "bulk_data")
    public String bulkData;
}
