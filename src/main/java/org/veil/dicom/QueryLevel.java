package org.veil.dicom;

/** Query/retrieve levels (PS3.4 C.6.1.1); patient attributes are answered at study level. */
public enum QueryLevel {
    PATIENT, STUDY, SERIES, INSTANCE
}
