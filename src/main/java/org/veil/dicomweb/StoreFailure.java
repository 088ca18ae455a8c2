package org.veil.dicomweb;

/**
 * Failure Reason values of the Store Instances Response (PS3.18 Table 10.5.3-2, with PS3.4
 * C.4.2.1.4 and PS3.7 C.4 for the codes it borrows).
 */
public enum StoreFailure {
    PROCESSING_FAILURE(0x0110),
    /** PS3.7 C.4: the SOP Instance is already stored with other content. */
    DUPLICATE_SOP_INSTANCE(0x0111),
    /** The instance's Study Instance UID differs from the one in the request's path. */
    STUDY_UID_MISMATCH(0xA900),
    CANNOT_UNDERSTAND(0xC000),
    TRANSFER_SYNTAX_NOT_SUPPORTED(0xC122),
    OUT_OF_RESOURCES(0xA700);

    public final int code;

    StoreFailure(int code) {
        this.code = code;
    }
}
