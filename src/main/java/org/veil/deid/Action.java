package org.veil.deid;

/** The actions of PS3.15 Table E.1-1, after a combined code has been resolved (see ActionTable). */
public enum Action {
    /** Remove the attribute. */
    X,
    /** Keep it with a zero-length value (an empty sequence). */
    Z,
    /** Replace with a dummy value of the same VR; a sequence is kept and its items de-identified and cleaned. */
    D,
    /** Keep; a sequence's items are still de-identified. */
    K,
    /** Clean: shift dates, reduce text to safe words, pseudonymise AE titles, clean sequence items. */
    C,
    /** Replace each UID with its derived UID. */
    U
}
