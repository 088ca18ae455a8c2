package org.veil.dicomweb;

/** The JSON body of every error answer: the status and a reason that names no patient data. */
public record ErrorBody(int status, String reason) {
}
