package org.veil.fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.veil.consent.ConsentRequests;
import org.veil.consent.ConsentViews;
import org.veil.consent.PatientConsents;
import org.veil.policy.Purpose;

/**
 * FHIR R4 Consent to and from Veil's consent registry (docs/consent-and-policy.md, "FHIR").
 * Default deny: an element that would narrow or qualify the consent in a way Veil cannot honour
 * (a nested or deny provision, actors, actions, classes, codes, security labels, data periods,
 * modifier extensions) makes the resource unsupported, rather than recorded as broader than the
 * patient agreed.
 */
final class ConsentMapping {
    /** Studies are named as ImagingStudy identifiers are: system urn:dicom:uid, value urn:oid:&lt;uid&gt;. */
    static final String DICOM_UID_SYSTEM = "urn:dicom:uid";
    /** How the consent was given: written, electronic or verbal, in category or policyRule. */
    static final String METHOD_SYSTEM = "urn:veil:consent-method";
    /** The SHA-256 of the evidence document, on sourceAttachment (R4's Attachment.hash is SHA-1). */
    static final String EVIDENCE_SHA256 = "urn:veil:fhir:evidence-sha256";
    /** Who withdrew the consent, when and why (extensions at, by, reason). */
    static final String WITHDRAWAL = "urn:veil:fhir:withdrawal";
    /** On a study's consent that carries out a patient consent: a reference to it. */
    static final String PATIENT_CONSENT = "urn:veil:fhir:patient-consent";
    static final String LOINC = "http://loinc.org";
    static final String CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope";

    private ConsentMapping() {
    }

    /** A Consent as Veil will record it: the patient, the studies named (none: all of them) and the terms. */
    record Request(String patientId, String issuer, List<String> studies, ConsentRequests.NewConsent terms) {
    }

    /** The Consent as Veil would record it; anything it cannot read exactly is a FhirProblem, never another exception. */
    static Request read(Consent c, Optional<java.time.ZoneId> zone) {
        try {
            return readStrictly(c, zone);
        } catch (FhirProblem e) {
            throw e;
        } catch (RuntimeException e) {
            // A value HAPI holds only as an extension, a repeated extension, a date out of range:
            // not something Veil can record as sent.
            throw FhirProblem.invalid(422, null, "the Consent holds a value Veil cannot read (an element with only an extension, "
                    + "a repeated extension or a date out of range)");
        }
    }

    private static Request readStrictly(Consent c, Optional<java.time.ZoneId> zone) {
        refuseModifiers(c);
        if (c.getStatus() != Consent.ConsentState.ACTIVE) {
            throw FhirProblem.unprocessable("Consent.status", "only an active consent can be recorded (to withdraw one, update it with status inactive)");
        }
        scope(c);
        Identifier patient = c.hasPatient() ? c.getPatient().getIdentifier() : null;
        String patientId = patient == null ? null : (patient.getValue() == null ? null : org.veil.consent.ConsentRegistry.spaceTrimmed(patient.getValue()));
        if (patientId == null || patientId.isEmpty()) {
            throw FhirProblem.unprocessable("Consent.patient.identifier", "the patient must be named by identifier: value the PatientID, system its issuer");
        }
        if (patientId.length() > 64) {
            throw FhirProblem.unprocessable("Consent.patient.identifier.value", "a PatientID has at most 64 characters (PS3.5 LO)");
        }
        // An LO holds no control character but ESC and no backslash (PS3.5 6.2): such a PatientID
        // is no study's, and a consent search would refuse it, so the consent could not be found.
        if (patientId.chars().anyMatch(ch -> (Character.isISOControl(ch) && ch != 0x1B) || ch == '\\')) {
            throw FhirProblem.unprocessable("Consent.patient.identifier.value",
                    "a PatientID holds no control character and no backslash (PS3.5 6.2, LO)");
        }
        if (!c.hasProvision()) {
            throw FhirProblem.unprocessable("Consent.provision", "a consent needs a provision of type permit with its purposes");
        }
        Consent.ProvisionComponent p = c.getProvision();
        refuseNarrowing(p);
        if (p.getType() != Consent.ConsentProvisionType.PERMIT) {
            throw FhirProblem.notSupported(422, "Consent.provision.type", "only a permit is recorded: a study without consent is already denied");
        }
        List<String> scopes = purposes(p.getPurpose());
        List<String> studies = studies(p.getData());
        String method = method(c);
        ConsentRequests.Evidence evidence = evidence(c);
        String from = p.getPeriod().hasStart() ? bound(p.getPeriod().getStartElement(), false, zone, "Consent.provision.period.start") : null;
        String until = p.getPeriod().hasEnd() ? bound(p.getPeriod().getEndElement(), true, zone, "Consent.provision.period.end") : null;
        String system = patient.getSystem() == null ? null : org.veil.consent.ConsentRegistry.spaceTrimmed(patient.getSystem());
        return new Request(patientId, system == null || system.isEmpty() ? null : system, studies,
                new ConsentRequests.NewConsent(scopes, method, evidence, from, until));
    }

    /**
     * Elements that change what the Consent means (FHIR R4 marks them isModifier, or they bind it
     * to rules Veil does not evaluate): refused, not dropped.
     */
    private static void refuseModifiers(Consent c) {
        if (c.hasImplicitRules()) {
            throw FhirProblem.notSupported(422, "Consent.implicitRules", "Veil cannot honour rules it does not know");
        }
        if (c.hasContained()) {
            throw FhirProblem.notSupported(422, "Consent.contained", "contained resources are not supported");
        }
        if (c.hasPolicy()) {
            throw FhirProblem.notSupported(422, "Consent.policy", "Veil cannot evaluate an external policy; record what the patient allowed in the provision");
        }
        if (c.hasVerification()) {
            // Verification may say the patient did not confirm (verified false): not a consent to record.
            for (Consent.ConsentVerificationComponent v : c.getVerification()) {
                if (!v.getVerified()) {
                    throw FhirProblem.unprocessable("Consent.verification", "the consent is not verified");
                }
            }
        }
        String path = modifierExtension(c, "Consent");
        if (path != null) {
            throw FhirProblem.notSupported(422, path, "Veil does not understand this modifier extension, so it cannot honour the consent");
        }
    }

    /** The path of the first modifier extension anywhere in the element, or null. */
    private static String modifierExtension(org.hl7.fhir.r4.model.Base element, String path) {
        if (element instanceof org.hl7.fhir.r4.model.DomainResource r && r.hasModifierExtension()
                || element instanceof org.hl7.fhir.r4.model.BackboneElement b && b.hasModifierExtension()) {
            return path + ".modifierExtension";
        }
        for (org.hl7.fhir.r4.model.Property child : element.children()) {
            List<org.hl7.fhir.r4.model.Base> values = child.getValues();
            for (int i = 0; i < values.size(); i++) {
                String found = modifierExtension(values.get(i), path + "." + child.getName() + (child.getMaxCardinality() > 1 ? "[" + i + "]" : ""));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Consent.scope is a modifier in R4: only a privacy or research consent is what Veil records. */
    private static void scope(Consent c) {
        if (!c.hasScope()) {
            return;
        }
        boolean privacy = c.getScope().getCoding().stream().anyMatch(cd -> CONSENT_SCOPE.equals(cd.getSystem())
                && ("patient-privacy".equals(cd.getCode()) || "research".equals(cd.getCode())));
        boolean other = c.getScope().getCoding().stream().anyMatch(cd -> CONSENT_SCOPE.equals(cd.getSystem())
                && !("patient-privacy".equals(cd.getCode()) || "research".equals(cd.getCode())));
        if (!privacy || other) {
            throw FhirProblem.notSupported(422, "Consent.scope",
                    "Veil records privacy consents: scope patient-privacy or research (consentscope), not treatment or advance directives");
        }
    }

    private static void refuseNarrowing(Consent.ProvisionComponent p) {
        String at = "Consent.provision.";
        List<String[]> narrowing = List.of(
                new String[] {"provision", p.hasProvision() ? "x" : null, "nested provisions (exceptions) are not supported"},
                new String[] {"actor", p.hasActor() ? "x" : null, "Veil cannot limit a consent to actors: a consent grants its purposes to every caller of them (a consultation share names the one consultant)"},
                new String[] {"action", p.hasAction() ? "x" : null, "Veil cannot limit a consent to actions"},
                new String[] {"securityLabel", p.hasSecurityLabel() ? "x" : null, "Veil cannot limit a consent by security label"},
                new String[] {"class", p.hasClass_() ? "x" : null, "Veil cannot limit a consent by resource class"},
                new String[] {"code", p.hasCode() ? "x" : null, "Veil cannot limit a consent by code"},
                new String[] {"dataPeriod", p.hasDataPeriod() ? "x" : null, "Veil cannot limit a consent by the time of the data"});
        for (String[] n : narrowing) {
            if (n[1] != null) {
                throw FhirProblem.notSupported(422, at + n[0], n[2]);
            }
        }
    }

    /** The earliest offset in use anywhere (UTC-12): a day begins there last. */
    private static final java.time.ZoneOffset LATEST_DAY = java.time.ZoneOffset.ofHours(-12);
    /** The latest offset in use anywhere (UTC+14): a day begins there first. */
    private static final java.time.ZoneOffset EARLIEST_DAY = java.time.ZoneOffset.ofHours(14);

    /**
     * A period bound as an instant. A date without a time (or a year, or a month) is whole days
     * (FHIR datatypes.html, "dateTime"): a start from its first moment, an end through its last, so
     * "end 2027-06-30" still allows the 30th. FHIR gives such a date no time zone: it is read in
     * {@code veil.consent.time-zone} where one is set, and otherwise as narrowly as any zone could
     * mean it (the start as late as the day begins anywhere, the end as early as the next day
     * begins anywhere), so that no reading grants a moment outside the days the patient agreed to.
     * The years are those the registry takes.
     */
    private static String bound(org.hl7.fhir.r4.model.DateTimeType value, boolean end, Optional<java.time.ZoneId> zone, String path) {
        java.time.ZoneId in = zone.orElse(end ? EARLIEST_DAY : LATEST_DAY);
        String text = value.getValueAsString();
        if (text == null) {
            throw FhirProblem.unprocessable(path, "the date has no value");
        }
        try {
            java.time.Instant at;
            if (text.matches("\\d{4}")) {
                java.time.LocalDate d = java.time.LocalDate.of(Integer.parseInt(text), 1, 1);
                at = (end ? d.plusYears(1) : d).atStartOfDay(in).toInstant();
            } else if (text.matches("\\d{4}-\\d{2}")) {
                java.time.LocalDate d = java.time.YearMonth.parse(text).atDay(1);
                at = (end ? d.plusMonths(1) : d).atStartOfDay(in).toInstant();
            } else if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                java.time.LocalDate d = java.time.LocalDate.parse(text);
                at = (end ? d.plusDays(1) : d).atStartOfDay(in).toInstant();
            } else {
                at = java.time.OffsetDateTime.parse(text).toInstant();
            }
            return at.toString();
        } catch (java.time.DateTimeException | NumberFormatException e) {
            throw FhirProblem.unprocessable(path, "a date is YYYY, YYYY-MM, YYYY-MM-DD or a dateTime with its time zone");
        }
    }

    private static List<String> purposes(List<Coding> codings) {
        if (codings.isEmpty()) {
            throw FhirProblem.unprocessable("Consent.provision.purpose", "name at least one purpose: TRAIN, HRESCH (v3-ActReason), CONSULT or PUBLISH (urn:veil:purpose-of-use)");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < codings.size(); i++) {
            Coding coding = codings.get(i);
            String at = "Consent.provision.purpose[" + i + "]";
            Purpose purpose = (coding.getCode() == null ? java.util.Optional.<Purpose>empty()
                    : Purpose.fromCoding(coding.getSystem(), coding.getCode())).orElseThrow(() -> FhirProblem.notSupported(422, at,
                    "not a purpose Veil knows: TRAIN, HRESCH (v3-ActReason), CONSULT or PUBLISH (urn:veil:purpose-of-use)"));
            if (purpose == Purpose.TREATMENT) {
                throw FhirProblem.unprocessable(at, "treatment needs no consent in Veil; record consultation, teaching, research or publication");
            }
            out.add(purpose.scopeName());
        }
        return List.copyOf(out);
    }

    private static List<String> studies(List<Consent.provisionDataComponent> data) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < data.size(); i++) {
            // Default deny: "dependents" and "authoredby" would widen or narrow what the reference
            // covers in ways Veil does not follow; a study is the study and what it holds.
            Consent.ConsentDataMeaning meaning = data.get(i).getMeaning();
            if (meaning != Consent.ConsentDataMeaning.INSTANCE && meaning != Consent.ConsentDataMeaning.RELATED) {
                throw FhirProblem.notSupported(422, "Consent.provision.data[" + i + "].meaning",
                        "a study is named with meaning instance or related");
            }
            String at = "Consent.provision.data[" + i + "].reference.identifier";
            Identifier id = data.get(i).getReference().getIdentifier();
            if (id == null || !DICOM_UID_SYSTEM.equals(id.getSystem()) || id.getValue() == null) {
                throw FhirProblem.notSupported(422, at, "name a study by identifier, system urn:dicom:uid, value urn:oid:<StudyInstanceUID>");
            }
            String uid = id.getValue().startsWith("urn:oid:") ? id.getValue().substring("urn:oid:".length()) : id.getValue();
            if (!org.veil.dicom.InstanceParser.isValidUid(uid)) {
                throw FhirProblem.unprocessable(at + ".value", "not a valid StudyInstanceUID");
            }
            out.add(uid);
        }
        return List.copyOf(out);
    }

    /** The one method named in category or policyRule; none or two different ones is ambiguous. */
    private static String method(Consent c) {
        Set<String> methods = new LinkedHashSet<>();
        List<CodeableConcept> concepts = new ArrayList<>(c.getCategory());
        if (c.hasPolicyRule()) {
            for (Coding coding : c.getPolicyRule().getCoding()) {
                // A rule is a rule Veil would have to apply: only the method, or an opt-in (which a permit is), pass.
                boolean optIn = "http://terminology.hl7.org/CodeSystem/v3-ActCode".equals(coding.getSystem()) && "OPTIN".equals(coding.getCode());
                if (!METHOD_SYSTEM.equals(coding.getSystem()) && !optIn) {
                    throw FhirProblem.notSupported(422, "Consent.policyRule", "Veil applies no policy rule but the method (urn:veil:consent-method) and OPTIN");
                }
            }
            concepts.add(c.getPolicyRule());
        }
        for (CodeableConcept concept : concepts) {
            for (Coding coding : concept.getCoding()) {
                if (METHOD_SYSTEM.equals(coding.getSystem())) {
                    if (coding.getCode() == null || !Set.of("written", "electronic", "verbal").contains(coding.getCode())) {
                        throw FhirProblem.unprocessable("Consent.category", "the method (urn:veil:consent-method) is written, electronic or verbal");
                    }
                    methods.add(coding.getCode());
                }
            }
        }
        if (methods.size() != 1) {
            throw FhirProblem.unprocessable("Consent.category", methods.isEmpty()
                    ? "say how the consent was given: a coding of urn:veil:consent-method (written, electronic or verbal) in category or policyRule"
                    : "the consent names more than one method (urn:veil:consent-method)");
        }
        return methods.iterator().next();
    }

    private static ConsentRequests.Evidence evidence(Consent c) {
        if (!c.hasSource()) {
            return null;
        }
        if (c.getSource() instanceof Reference ref) {
            String reference = ref.getReference() != null ? ref.getReference() : ref.hasIdentifier() ? ref.getIdentifier().getValue() : null;
            if (reference == null || reference.isBlank()) {
                throw FhirProblem.unprocessable("Consent.sourceReference", "the evidence reference names no document");
            }
            return new ConsentRequests.Evidence(reference, null);
        }
        Attachment a = (Attachment) c.getSource();
        List<Extension> given = a.getExtensionsByUrl(EVIDENCE_SHA256);
        if (given.size() > 1) {
            throw FhirProblem.unprocessable("Consent.sourceAttachment.extension", "the evidence SHA-256 is given more than once");
        }
        String sha256 = given.stream().findFirst().map(Extension::getValue)
                .map(v -> v instanceof StringType s && s.getValue() != null ? s.getValue() : "").orElse(null);
        if (a.getData() != null) {
            String computed = sha256(a.getData());
            if (sha256 != null && !sha256.equalsIgnoreCase(computed)) {
                throw FhirProblem.unprocessable("Consent.sourceAttachment", "the evidence's SHA-256 does not match its data");
            }
            sha256 = computed;
        }
        if (sha256 != null && !sha256.matches("[0-9a-fA-F]{64}")) {
            throw FhirProblem.unprocessable("Consent.sourceAttachment.extension", "the evidence SHA-256 must be 64 hexadecimal digits");
        }
        if (a.getUrl() == null && a.getData() == null) {
            throw FhirProblem.unprocessable("Consent.sourceAttachment", "the evidence needs a url or its data");
        }
        // The data's digest is not a place: without a url the evidence names no document to show
        // (a written consent to publication needs one), and Veil keeps the digest, not the data.
        return new ConsentRequests.Evidence(a.getUrl(), sha256);
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A study's consent as FHIR: its one study in provision.data. */
    static Consent render(ConsentViews.ConsentView v, String patientId, String issuer) {
        Consent c = base(v.id(), v.withdrawal(), v.recordedAt(), patientId, issuer, v.method(), v.evidence(), v.scopes(), v.validFrom(),
                v.validUntil());
        c.getProvision().addData(data(v.studyInstanceUid()));
        if (v.patientConsent() != null) {
            // This study's consent carries out a patient consent: the link to it.
            c.addExtension(PATIENT_CONSENT, new Reference("Consent/" + v.patientConsent()));
        }
        return c;
    }

    /** A patient consent as FHIR: its named studies in provision.data, or none when it covers all the patient's studies. */
    static Consent render(PatientConsents.PatientConsentView v) {
        Consent c = base(v.id(), v.withdrawal(), v.recordedAt(), v.patientId(), v.issuer(), v.method(), v.evidence(), v.scopes(),
                v.validFrom(), v.validUntil());
        if (!v.allStudies()) {
            v.studies().forEach(s -> c.getProvision().addData(data(s)));
        }
        return c;
    }

    private static Consent.provisionDataComponent data(String study) {
        return new Consent.provisionDataComponent().setMeaning(Consent.ConsentDataMeaning.RELATED)
                .setReference(new Reference().setType("ImagingStudy")
                        .setIdentifier(new Identifier().setSystem(DICOM_UID_SYSTEM).setValue("urn:oid:" + study)));
    }

    /** Version 1 is the consent as recorded; version 2, if any, its withdrawal. */
    private static Consent base(String id, ConsentViews.Withdrawn withdrawn, String recordedAt, String patientId, String issuer,
                                String method, ConsentRequests.Evidence evidence, List<String> scopes, String validFrom, String validUntil) {
        Consent c = new Consent();
        c.setId(id);
        c.getMeta().setVersionId(withdrawn == null ? "1" : "2")
                .setLastUpdated(Date.from(Instant.parse(withdrawn == null ? recordedAt : withdrawn.at())));
        c.setStatus(withdrawn == null ? Consent.ConsentState.ACTIVE : Consent.ConsentState.INACTIVE);
        c.setScope(new CodeableConcept(new Coding(CONSENT_SCOPE, "patient-privacy", "Privacy Consent")));
        c.addCategory(new CodeableConcept(new Coding(LOINC, "59284-0", "Patient Consent")));
        c.addCategory(new CodeableConcept(new Coding(METHOD_SYSTEM, method, method)));
        c.setPatient(new Reference().setType("Patient").setIdentifier(new Identifier().setSystem(issuer).setValue(patientId)));
        c.setDateTime(Date.from(Instant.parse(recordedAt)));
        if (evidence != null) {
            if (evidence.sha256() == null && evidence.reference() != null && evidence.reference().matches("[A-Z][A-Za-z]{1,63}/[A-Za-z0-9\\-.]{1,64}")) {
                c.setSource(new Reference(evidence.reference()));
            } else {
                Attachment a = new Attachment().setUrl(evidence.reference());
                if (evidence.sha256() != null) {
                    a.addExtension(EVIDENCE_SHA256, new StringType(evidence.sha256()));
                }
                c.setSource(a);
            }
        }
        if (withdrawn != null) {
            Extension w = c.addExtension().setUrl(WITHDRAWAL);
            w.addExtension("at", new org.hl7.fhir.r4.model.DateTimeType(Date.from(Instant.parse(withdrawn.at()))));
            w.addExtension("by", new StringType(withdrawn.by()));
            w.addExtension("reason", new StringType(withdrawn.reason()));
        }
        Consent.ProvisionComponent p = c.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
        Period period = new Period().setStart(Date.from(Instant.parse(validFrom)));
        if (validUntil != null) {
            period.setEnd(Date.from(Instant.parse(validUntil)));
        }
        p.setPeriod(period);
        for (String scope : scopes) {
            Purpose purpose = Purpose.fromScope(Purpose.SCOPE_PREFIX + scope).orElseThrow();
            p.addPurpose(new Coding(purpose.system(), purpose.code(), purpose.scopeName()));
        }
        return c;
    }
}
