package org.veil.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.veil.audit.AuditEvent;
import org.veil.audit.AuditLog;
import org.veil.consent.ConsentApiException;
import org.veil.consent.ConsentRegistry;
import org.veil.consent.ConsentRequests;
import org.veil.consent.PatientConsents;
import org.veil.dicomweb.RequestAudit;
import org.veil.policy.Caller;

/**
 * Consents through FHIR, on the one registry: a Consent for one study is a study consent of
 * {@code /api/v1} with the same id; one for several studies or for all of a patient's is a
 * {@link PatientConsents} record. Every change and every read is on the audit trail exactly as
 * through {@code /api/v1} (Patient Record, DCM 110110).
 */
@ApplicationScoped
public class FhirConsents {
    private final ConsentRegistry registry;
    private final PatientConsents patients;
    private final AuditLog audit;
    /** Whom a refused change was about: its row is written by the request's filter, after the refusal. */
    private final RequestAudit refusal;
    /** The zone of dates without a time in a Consent's period; none: read as narrowly as any zone could mean them. */
    private final Optional<java.time.ZoneId> zone;

    public FhirConsents(ConsentRegistry registry, PatientConsents patients, AuditLog audit, RequestAudit refusal,
                        @org.eclipse.microprofile.config.inject.ConfigProperty(name = "veil.consent.time-zone") Optional<String> timeZone) {
        this.refusal = refusal;
        this.zone = timeZone.filter(z -> !z.isBlank()).map(z -> {
            try {
                return java.time.ZoneId.of(z.trim());
            } catch (java.time.DateTimeException e) {
                throw new IllegalStateException("veil.consent.time-zone is not a time zone Java knows (for example Europe/Zurich)");
            }
        });
        this.registry = registry;
        this.patients = patients;
        this.audit = audit;
    }

    /** Records the Consent; answers it as stored. */
    public Consent create(Consent resource, Caller caller, String sourceIp, Instant now) throws SQLException {
        ConsentMapping.Request req = ConsentMapping.read(resource, zone);
        // Should it be refused from here on, the attempt is filed under the patient and the
        // studies it named, so that their trail shows it (a probe of which study is whose).
        refusal.patients(List.of(req.patientId()));
        if (req.studies().size() <= PatientConsents.MAX_STUDIES) {
            refusal.studies(req.studies());
        }
        try {
            if (req.studies().size() == 1) {
                String study = req.studies().get(0);
                if (!registry.isStudyOf(study, req.patientId(), req.issuer())) {
                    throw FhirProblem.unprocessable("Consent.patient.identifier",
                            "the study in provision.data belongs to another patient (PatientID and IssuerOfPatientID, which is the identifier's system)");
                }
                String id = registry.record(study, req.terms(), caller.subject(), now,
                        (c, s, detail) -> audit.append(c, changed(caller, sourceIp, "consent recorded", List.of(s), List.of()).withDetail(detail)));
                return read(id, now).orElseThrow();
            }
            String id = patients.record(new PatientConsents.NewPatientConsent(req.patientId(), req.issuer(), req.studies(), req.terms()),
                    caller.subject(), now,
                    (c, studies, detail) -> audit.append(c, changed(caller, sourceIp, "consent recorded", studies, List.of(req.patientId()))
                            .withDetail(detail)));
            return read(id, now).orElseThrow();
        } catch (ConsentApiException e) {
            throw translate(e);
        }
    }

    /** The consent by id, of either kind; read on record. */
    public Consent get(String id, Caller caller, String sourceIp, Instant now) throws SQLException {
        return readOnRecord(read(id, now).orElseThrow(() -> FhirProblem.notFound("no consent with this id")), caller, sourceIp);
    }

    /**
     * The versions of a consent, newest first: version 1 as recorded and, once withdrawn,
     * version 2 with status inactive. Read on record like the consent itself.
     */
    public List<Consent> history(String id, Caller caller, String sourceIp, Instant now) throws SQLException {
        Consent current = get(id, caller, sourceIp, now);
        if (!"2".equals(current.getMeta().getVersionId())) {
            return List.of(current);
        }
        return List.of(current, asRecorded(id, now));
    }

    /** Version 1 of a consent: as it was recorded, before any withdrawal. */
    private Consent asRecorded(String id, Instant now) throws SQLException {
        Optional<ConsentRegistry.Recorded> single = registry.find(id, now);
        if (single.isPresent()) {
            org.veil.consent.ConsentViews.ConsentView v = single.get().view();
            org.veil.consent.ConsentViews.ConsentView recorded = new org.veil.consent.ConsentViews.ConsentView(v.id(),
                    v.studyInstanceUid(), v.scopes(), v.method(), v.evidence(), v.recordedBy(), v.recordedAt(), v.validFrom(),
                    v.validUntil(), null, false, v.patientConsent());
            return ConsentMapping.render(recorded, single.get().patientId(), single.get().issuer());
        }
        PatientConsents.PatientConsentView v = patients.find(id, now).orElseThrow(() -> FhirProblem.notFound("no consent with this id"));
        return ConsentMapping.render(new PatientConsents.PatientConsentView(v.id(), v.patientId(), v.issuer(), v.allStudies(),
                v.studies(), v.scopes(), v.method(), v.evidence(), v.recordedBy(), v.recordedAt(), v.validFrom(), v.validUntil(),
                null, false));
    }

    /**
     * An update: Veil's consent history is append-only, so the only change it takes is a
     * withdrawal, status inactive or rejected. Updating a withdrawn consent to inactive again
     * changes nothing and answers it as it is.
     */
    public Consent update(String id, Consent resource, Caller caller, String sourceIp, Instant now) throws SQLException {
        Consent current = read(id, now).orElseThrow(() -> FhirProblem.notFound("no consent with this id"));
        refusal.patients(List.of(current.getPatient().getIdentifier().getValue()));
        refusal.studies(studiesOf(current));
        // FHIR R4 http.html#update: a body with no id, or another one than the URL's, SHALL be 400.
        if (!resource.hasIdElement() || !resource.getIdElement().hasIdPart()) {
            throw FhirProblem.invalid(400, "Consent.id", "an update carries the resource's id, the id in the URL");
        }
        if (!id.equals(resource.getIdElement().getIdPart())) {
            throw FhirProblem.invalid(400, "Consent.id", "the resource's id is not the id in the URL");
        }
        Consent.ConsentState status = resource.getStatus();
        if (status != Consent.ConsentState.INACTIVE && status != Consent.ConsentState.REJECTED) {
            throw FhirProblem.notSupported(422, "Consent.status",
                    "a recorded consent is never changed; to withdraw it set status inactive or rejected, to change it record a new one");
        }
        if (current.getStatus() == Consent.ConsentState.INACTIVE) {
            // Nothing changes, but the answer is the whole Consent (patient, studies, who withdrew
            // it and why): a read of the record, on record as a GET of it is.
            return readOnRecord(current, caller, sourceIp);
        }
        ConsentRequests.Withdrawal withdrawal = new ConsentRequests.Withdrawal(
                "withdrawn through FHIR (Consent.status " + status.toCode() + ")");
        String patient = current.getPatient().getIdentifier().getValue();
        try {
            if (patients.find(id, now).isPresent()) {
                patients.withdraw(id, withdrawal, caller.subject(), now,
                        (c, studies, detail) -> audit.append(c, changed(caller, sourceIp, "consent withdrawn", studies, List.of(patient))
                                .withDetail(detail)));
            } else {
                registry.withdraw(id, withdrawal, caller.subject(), now,
                        (c, s, detail) -> audit.append(c, changed(caller, sourceIp, "consent withdrawn", List.of(s), List.of()).withDetail(detail)));
            }
        } catch (ConsentApiException e) {
            if (e.status() == 409) {
                // Withdrawn meanwhile by another request (or through /api/v1): the same end state, read on record.
                return readOnRecord(read(id, now).orElseThrow(), caller, sourceIp);
            }
            throw translate(e);
        }
        return read(id, now).orElseThrow();
    }

    private Consent readOnRecord(Consent found, Caller caller, String sourceIp) throws SQLException {
        audit.record(changed(caller, sourceIp, "consents read", studiesOf(found), List.of(found.getPatient().getIdentifier().getValue())));
        return found;
    }

    /** Every consent recorded for the patient, withdrawn ones included (status inactive); read on record. */
    public List<Consent> ofPatient(String patientId, Optional<String> issuer, Caller caller, String sourceIp, Instant now)
            throws SQLException {
        List<Consent> out = new ArrayList<>();
        for (ConsentRegistry.Recorded r : registry.ofPatient(patientId, issuer, now)) {
            out.add(ConsentMapping.render(r.view(), r.patientId(), r.issuer()));
        }
        for (PatientConsents.PatientConsentView v : patients.ofPatient(patientId, issuer, now)) {
            out.add(ConsentMapping.render(v));
        }
        out.sort(java.util.Comparator.comparing(Consent::getDateTime).thenComparing(Consent::getIdPart));
        List<String> studies = out.stream().flatMap(c -> studiesOf(c).stream()).distinct().toList();
        audit.record(changed(caller, sourceIp, "consents read", studies, List.of(patientId.strip())));
        return out;
    }

    /** A searchset of consents. */
    static Bundle searchset(List<Consent> consents, String base) {
        Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(consents.size());
        for (Consent c : consents) {
            b.addEntry().setFullUrl(base + "Consent/" + c.getIdPart()).setResource(c)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return b;
    }

    private Optional<Consent> read(String id, Instant now) throws SQLException {
        Optional<ConsentRegistry.Recorded> single = registry.find(id, now);
        if (single.isPresent()) {
            return Optional.of(ConsentMapping.render(single.get().view(), single.get().patientId(), single.get().issuer()));
        }
        return patients.find(id, now).map(ConsentMapping::render);
    }

    private static List<String> studiesOf(Consent c) {
        return c.getProvision().getData().stream().map(d -> d.getReference().getIdentifier().getValue())
                .map(v -> v.substring("urn:oid:".length())).toList();
    }

    private static AuditEvent changed(Caller caller, String sourceIp, String action, List<String> studies, List<String> patients) {
        return AuditEvent.of(caller, sourceIp, action, AuditEvent.PATIENT_RECORD, studies, 0, AuditEvent.Outcome.SUCCESS, null)
                .withPatients(patients).withDetail("FHIR Consent");
    }

    /** The registry's refusals, in FHIR's terms: what it cannot record as sent is 422, naming the element. */
    private static RuntimeException translate(ConsentApiException e) {
        String reason = e.getMessage();
        return switch (e.status()) {
            case 400 -> FhirProblem.unprocessable(element(e), reason.replace("validUntil", "provision.period.end")
                    .replace("validFrom", "provision.period.start").replace("evidence.sha256", "the evidence SHA-256")
                    .replace("evidence.reference", "sourceAttachment.url or sourceReference"));
            case 404 -> FhirProblem.unprocessable("Consent.provision.data", "Veil holds no study with this StudyInstanceUID");
            case 409 -> new FhirProblem(409, org.hl7.fhir.r4.model.OperationOutcome.IssueType.CONFLICT, "Consent.provision.purpose", reason);
            default -> e;
        };
    }

    /** The Consent element a registry refusal is about; the registry names the part of its own request. */
    private static String element(ConsentApiException e) {
        return e.field().map(f -> switch (f) {
            case VALID_UNTIL -> "Consent.provision.period.end";
            case VALID_FROM -> "Consent.provision.period.start";
            case EVIDENCE -> "Consent.sourceAttachment";
            case PATIENT -> "Consent.patient.identifier";
            case STUDIES -> "Consent.provision.data";
            case SCOPES -> "Consent.provision.purpose";
            case METHOD -> "Consent.category";
            case REASON, PURPOSE, AUDIENCE, EXPIRES_AT -> null;
        }).orElse(null);
    }
}
