package org.veil.index;

/** What indexing did with one instance. */
public enum IndexOutcome {
    /** A new row was written. */
    STORED,
    /** The same SOP Instance with identical bytes was already stored; nothing changed. */
    ALREADY_STORED,
    /** The SOP Instance UID is stored with different bytes; this copy was refused. */
    CONFLICTING_DUPLICATE,
    /** The series is already filed under another study; this copy was refused. */
    SERIES_IN_OTHER_STUDY,
    /** The study is already filed under another patient (Issuer of Patient ID and Patient ID); this copy was refused. */
    STUDY_OF_ANOTHER_PATIENT
}
