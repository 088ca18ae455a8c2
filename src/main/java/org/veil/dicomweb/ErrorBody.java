package org.veil.dicomweb;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The JSON body of every error answer: the status and a reason that names no patient data.
 * Registered for reflection because it reaches Jackson only through exception mappers, which
 * the native build does not look into.
 */
@RegisterForReflection
public record ErrorBody(int status, String reason) {
}
