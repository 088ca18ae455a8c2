package org.veil.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.dicomweb.IndexReset;
import org.veil.security.TestTokens;

/**
 * FHIR R4 Consent in and AuditEvent out, with real tokens, the real registry and real studies:
 * a Consent makes a study visible to the researcher, de-identified; inactive hides it on the next
 * request; a patient-level Consent covers a study stored afterwards; what Veil cannot record as
 * sent is 422 with an OperationOutcome and records nothing; AuditEvents parse with HAPI and carry
 * the purpose; {@code /api/v1} and {@code /fhir/r4} show the same consent.
 */
@QuarkusTest
class FhirConsentTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static int next = 1;

    private final IndexReset index = new IndexReset();
    private String patient;
    private String study;

    @BeforeEach
    void storeAStudy() throws Exception {
        long n = System.nanoTime() % 1_000_000;
        patient = "FHIR-P-" + n + "-" + next;
        study = "2.25.7310" + n + "." + next++;
        store(study, patient, null);
    }

    private static void store(String study, String patientId, String issuer) throws Exception {
        Part10Editor ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").set(Tag.PatientID, patientId);
        if (issuer != null) {
            ct.set(Tag.IssuerOfPatientID, issuer);
        }
        assertThat(DicomWebClient.stow(ct.toBytes()).statusCode()).isEqualTo(200);
    }

    private static RequestSpecification as(String user) {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of(user, "openid"));
    }

    private static RequestSpecification researcher() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"));
    }

    private static Response post(String consent) {
        return as("clinician").contentType("application/fhir+json").body(consent).post("/fhir/r4/Consent");
    }

    private static String future(int days) {
        return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A Consent an EHR would send: research, in writing, for the given studies (none: all the patient's). */
    private static String consent(String patientId, String purposeSystem, String purposeCode, String method, String... studies) {
        StringBuilder data = new StringBuilder();
        for (String s : studies) {
            data.append(data.isEmpty() ? "" : ",").append("""
                    {"meaning":"related","reference":{"identifier":{"system":"urn:dicom:uid","value":"urn:oid:%s"}}}""".formatted(s));
        }
        return """
                {"resourceType":"Consent","status":"active",
                 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
                 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]},
                             {"coding":[{"system":"urn:veil:consent-method","code":"%s"}]}],
                 "patient":{"identifier":{"value":"%s"}},
                 "dateTime":"2026-11-29T10:00:00Z",
                 "sourceAttachment":{"url":"urn:ehr:document:7781"},
                 "provision":{"type":"permit","period":{"end":"%s"},
                   "purpose":[{"system":"%s","code":"%s"}]%s}}"""
                .formatted(method, patientId, future(300), purposeSystem, purposeCode,
                        studies.length == 0 ? "" : ",\"data\":[" + data + "]");
    }

    private static String research(String patientId, String... studies) {
        return consent(patientId, "http://terminology.hl7.org/CodeSystem/v3-ActReason", "HRESCH", "written", studies);
    }

    /**
     * A consent naming more studies than one transaction should lock (an identifier thousands of
     * studies share is one given to unknown patients more often than a patient's) is refused
     * before anything is looked up or locked, and records nothing.
     */
    @Test
    void aConsentForMoreStudiesThanTheBoundIsRefused() throws Exception {
        String[] many = new String[org.veil.consent.PatientConsents.MAX_STUDIES + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = study + "." + (i + 1);
        }
        long patients = index.count("patient_consent");
        Response r = post(research(patient, many));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        OperationOutcome o = outcome(r);
        assertThat(o.getIssueFirstRep().getDiagnostics()).contains("at most " + org.veil.consent.PatientConsents.MAX_STUDIES);
        assertThat(o.getIssueFirstRep().getExpression()).anySatisfy(e -> assertThat(e.getValue()).isEqualTo("Consent.provision.data"));
        assertThat(index.count("patient_consent")).isEqualTo(patients);
    }

    /**
     * Publication needs consent in writing that names where the signed document is kept: the
     * document's bytes alone (Veil keeps their SHA-256, not them) name no place, and are refused.
     */
    @Test
    void aWrittenConsentToPublicationNamesItsDocumentNotOnlyItsBytes() throws Exception {
        String publication = consent(patient, "urn:veil:purpose-of-use", "PUBLISH", "written", study);
        assertThat(publication).contains("\"sourceAttachment\":{\"url\":\"urn:ehr:document:7781\"}");
        Response bytesOnly = post(publication.replace("\"sourceAttachment\":{\"url\":\"urn:ehr:document:7781\"}",
                "\"sourceAttachment\":{\"data\":\"AA==\"}"));
        assertThat(bytesOnly.statusCode()).as(bytesOnly.asString()).isEqualTo(422);
        assertThat(outcome(bytesOnly).getIssueFirstRep().getExpression()).anySatisfy(e -> assertThat(e.getValue()).isEqualTo("Consent.sourceAttachment"));
        assertThat(outcome(bytesOnly).getIssueFirstRep().getDiagnostics()).contains("sourceAttachment.url");
        Response named = post(publication);
        assertThat(named.statusCode()).as(named.asString()).isEqualTo(201);
    }

    /**
     * A consent to publication not in writing is kept as what the patient said but grants nothing,
     * so it no longer stands in the way of the written one that would (it was a 409 until
     * withdrawn), for the patient's studies as for one named; two written ones, or two not in
     * writing, still overlap.
     */
    @Test
    void aConsentToPublicationNotInWritingDoesNotBlockAWrittenOne() throws Exception {
        String system = "urn:veil:purpose-of-use";
        for (String[] studies : List.of(new String[0], new String[] {study})) {
            if (studies.length == 1) {
                patient = patient + "-named";
                store(study = study + ".2", patient, null);
                studies = new String[] {study};
            }
            Response verbal = post(consent(patient, system, "PUBLISH", "verbal", studies));
            assertThat(verbal.statusCode()).as(verbal.asString()).isEqualTo(201);
            Response electronic = post(consent(patient, system, "PUBLISH", "electronic", studies));
            assertThat(electronic.statusCode()).as("both not in writing: %s", electronic.asString()).isEqualTo(409);
            Response written = post(consent(patient, system, "PUBLISH", "written", studies));
            assertThat(written.statusCode()).as(written.asString()).isEqualTo(201);
            Response again = post(consent(patient, system, "PUBLISH", "written", studies));
            assertThat(again.statusCode()).as("both in writing: %s", again.asString()).isEqualTo(409);
            Response laterVerbal = post(consent(patient, system, "PUBLISH", "verbal", studies));
            assertThat(laterVerbal.statusCode()).as("the verbal one still stands: %s", laterVerbal.asString()).isEqualTo(409);
        }
    }

    /**
     * What is refused before a FHIR resource runs is answered as every other API's refusal: the
     * status, and a JSON body with the reason (docs/consent-and-policy.md, "FHIR").
     */
    @Test
    void refusalsBeforeTheResourceRunsCarryAJsonReason() throws Exception {
        java.util.Map<Response, Integer> refusals = new java.util.LinkedHashMap<>();
        refusals.put(RestAssured.given().get("/fhir/r4/Consent?patient.identifier=" + patient), 401);
        refusals.put(as("auditor").get("/fhir/r4/Patient"), 404);
        refusals.put(as("clinician").delete("/fhir/r4/Consent/x"), 405);
        refusals.put(as("auditor").accept("application/fhir+xml").get("/fhir/r4/metadata"), 406);
        // Its declared length over veil.http.max-json-bytes (1 MiB): refused before it is read.
        refusals.put(as("clinician").contentType("application/fhir+json").body(" ".repeat((1 << 20) + 1) + research(patient, study))
                .post("/fhir/r4/Consent"), 413);
        refusals.forEach((r, status) -> {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.jsonPath().getInt("status")).isEqualTo(status);
            assertThat(r.jsonPath().getString("reason")).isNotBlank().doesNotContain(patient);
        });
    }

    /** A refused Consent is on the trail of the patient and the study it named: who tried, and why it was refused. */
    @Test
    void aRefusedConsentIsFiledUnderThePatientAndTheStudyItNamed() throws Exception {
        String expired = research(patient, study).replaceFirst("\"end\":\"[^\"]+\"", "\"end\":\"2020-01-01T00:00:00Z\"");
        Response r = post(expired);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(index.strings("SELECT action || ' ' || outcome FROM audit_event WHERE '" + patient + "' = ANY (patient_ids)"
                + " AND '" + study + "' = ANY (study_uids) ORDER BY id DESC LIMIT 1"))
                .containsExactly("consent change refused failed");
    }

    /** The derived UID the researcher sees for the study, or null when the study is hidden from them. */
    private String seenByResearcher(String original) throws Exception {
        Response all = researcher().accept("application/dicom+json").get("/dicomweb/studies?limit=1000");
        assertThat(all.statusCode()).as(all.asString()).isIn(200, 204);
        assertThat(all.asString()).doesNotContain(original);
        List<String> derived = index.strings("SELECT derived_uid FROM derived_uid WHERE original_uid = '" + original
                + "' AND context = 'research'");
        return derived.stream().filter(all.asString()::contains).findFirst().orElse(null);
    }

    @Test
    void aConsentForAStudyShowsItToTheResearcherAndInactiveHidesItOnTheNextRequest() throws Exception {
        assertThat(seenByResearcher(study)).as("no consent yet").isNull();
        Response created = post(research(patient, study));
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(created.contentType()).startsWith("application/fhir+json");
        Consent stored = FHIR.newJsonParser().parseResource(Consent.class, created.asString());
        String id = stored.getIdPart();
        assertThat(created.header("Location")).endsWith("/fhir/r4/Consent/" + id + "/_history/1");
        assertThat(stored.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
        assertThat(stored.getProvision().getPurposeFirstRep().getCode()).isEqualTo("HRESCH");

        String derived = seenByResearcher(study);
        assertThat(derived).as("visible, de-identified").isNotNull();
        Response metadata = researcher().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.asString()).doesNotContain(patient).doesNotContain(study);

        // The same record through /api/v1: same id, same scope, same method, same evidence.
        Response v1 = as("auditor").get("/api/v1/studies/" + study + "/consents");
        assertThat(v1.jsonPath().getList("id")).containsExactly(id);
        assertThat(v1.jsonPath().getList("[0].scopes")).containsExactly("research");
        assertThat(v1.jsonPath().getString("[0].method")).isEqualTo("written");
        assertThat(v1.jsonPath().getString("[0].evidence.reference")).isEqualTo("urn:ehr:document:7781");

        stored.setStatus(Consent.ConsentState.INACTIVE);
        // FHIR R4 http.html#update: a body without its id is 400, and nothing is withdrawn.
        Consent anonymous = stored.copy();
        anonymous.setIdElement(null);
        Response noId = as("clinician").contentType("application/fhir+json").body(FHIR.newJsonParser().encodeResourceToString(anonymous))
                .put("/fhir/r4/Consent/" + id);
        assertThat(noId.statusCode()).as(noId.asString()).isEqualTo(400);
        assertThat(outcome(noId).getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Consent.id");
        assertThat(as("auditor").get("/api/v1/studies/" + study + "/consents").jsonPath().getBoolean("[0].active")).isTrue();
        Response withdrawn = as("clinician").contentType("application/fhir+json").body(FHIR.newJsonParser().encodeResourceToString(stored))
                .put("/fhir/r4/Consent/" + id);
        assertThat(withdrawn.statusCode()).as(withdrawn.asString()).isEqualTo(200);
        assertThat(FHIR.newJsonParser().parseResource(Consent.class, withdrawn.asString()).getStatus())
                .isEqualTo(Consent.ConsentState.INACTIVE);
        Response after = researcher().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(after.statusCode()).as("the next request").isEqualTo(404);
        assertThat(seenByResearcher(study)).isNull();
        assertThat(as("auditor").get("/api/v1/studies/" + study + "/consents").jsonPath().getBoolean("[0].active")).isFalse();
        // The same update again changes nothing, but answers the whole withdrawn Consent: a read, on record.
        long reads = index.count("audit_event WHERE action = 'consents read' AND '" + study + "' = ANY (study_uids)");
        assertThat(as("clinician").contentType("application/fhir+json").body(FHIR.newJsonParser().encodeResourceToString(stored))
                .put("/fhir/r4/Consent/" + id).statusCode()).isEqualTo(200);
        assertThat(index.count("audit_event WHERE action = 'consents read' AND '" + study + "' = ANY (study_uids)"))
                .as("the answer to the repeated withdrawal is on record").isEqualTo(reads + 1);
        // An update that is not a withdrawal is refused.
        stored.setStatus(Consent.ConsentState.ACTIVE);
        Response reactivate = as("clinician").contentType("application/fhir+json").body(FHIR.newJsonParser().encodeResourceToString(stored))
                .put("/fhir/r4/Consent/" + id);
        assertThat(reactivate.statusCode()).isEqualTo(422);
        assertThat(outcome(reactivate).getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Consent.status");
    }

    @Test
    void aConsentFromTheApiIsReadableAsFhirAndWithdrawnThroughEither() throws Exception {
        Response v1 = as("clinician").contentType("application/json")
                .body("{\"scopes\":[\"teaching\",\"research\"],\"method\":\"electronic\",\"validUntil\":\"" + future(50) + "\"}")
                .post("/api/v1/studies/" + study + "/consents");
        assertThat(v1.statusCode()).isEqualTo(201);
        String id = v1.jsonPath().getString("id");
        Response read = as("auditor").get("/fhir/r4/Consent/" + id);
        assertThat(read.statusCode()).as(read.asString()).isEqualTo(200);
        Consent c = FHIR.newJsonParser().parseResource(Consent.class, read.asString());
        assertThat(c.getProvision().getPurpose()).extracting(Coding::getCode).containsExactly("TRAIN", "HRESCH");
        assertThat(c.getPatient().getIdentifier().getValue()).isEqualTo(patient);
        assertThat(c.getProvision().getDataFirstRep().getReference().getIdentifier().getValue()).isEqualTo("urn:oid:" + study);
        assertThat(c.getCategory()).flatExtracting(cc -> cc.getCoding()).extracting(Coding::getCode).contains("electronic");

        Response search = as("clinician").get("/fhir/r4/Consent?patient.identifier=" + patient);
        assertThat(search.statusCode()).as(search.asString()).isEqualTo(200);
        Bundle b = FHIR.newJsonParser().parseResource(Bundle.class, search.asString());
        assertThat(b.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(id);

        assertThat(as("clinician").contentType("application/json").body("{\"reason\":\"asked in clinic\"}")
                .post("/api/v1/consents/" + id + "/withdraw").statusCode()).isEqualTo(200);
        Consent after = FHIR.newJsonParser().parseResource(Consent.class, as("auditor").get("/fhir/r4/Consent/" + id).asString());
        assertThat(after.getStatus()).isEqualTo(Consent.ConsentState.INACTIVE);
        assertThat(after.getMeta().getVersionId()).isEqualTo("2");
        assertThat(after.getExtensionByUrl("urn:veil:fhir:withdrawal").getExtensionString("reason")).isEqualTo("asked in clinic");

        // The history: withdrawn, then as recorded.
        Bundle history = FHIR.newJsonParser().parseResource(Bundle.class, as("auditor").get("/fhir/r4/Consent/" + id + "/_history").asString());
        assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
        assertThat(history.getEntry()).extracting(e -> ((Consent) e.getResource()).getStatus())
                .containsExactly(Consent.ConsentState.INACTIVE, Consent.ConsentState.ACTIVE);
        // What made each version (bdl-3, bdl-4): the update that withdrew it, the create.
        assertThat(history.getEntry()).extracting(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl() + " "
                + e.getResponse().getStatus()).containsExactly("PUT Consent/" + id + " 200 OK", "POST Consent 201 Created");
        Consent first = FHIR.newJsonParser().parseResource(Consent.class, as("auditor").get("/fhir/r4/Consent/" + id + "/_history/1").asString());
        assertThat(first.getStatus()).isEqualTo(Consent.ConsentState.ACTIVE);
        assertThat(first.getExtensionByUrl("urn:veil:fhir:withdrawal")).isNull();
        assertThat(as("auditor").get("/fhir/r4/Consent/" + id + "/_history/3").statusCode()).isEqualTo(404);
    }

    @Test
    void aPatientConsentCoversTheirStudiesNowAndLaterAndNoOneElses() throws Exception {
        String sameIdOtherIssuer = study + ".9";
        store(sameIdOtherIssuer, patient, "OTHER-HOSPITAL");
        Response created = post(research(patient));
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        Consent stored = FHIR.newJsonParser().parseResource(Consent.class, created.asString());
        assertThat(stored.getProvision().getData()).as("all of the patient's studies").isEmpty();
        assertThat(seenByResearcher(study)).as("a study stored before").isNotNull();

        String later = study + ".2";
        store(later, patient, null);
        assertThat(seenByResearcher(later)).as("a study stored afterwards").isNotNull();
        assertThat(seenByResearcher(sameIdOtherIssuer)).as("the same PatientID from another issuer is another patient").isNull();
        // The registry shows the study's consent as carrying out the patient's, FHIR links it, and
        // the store that made it has it on record.
        Response v1 = as("auditor").get("/api/v1/studies/" + later + "/consents");
        assertThat(v1.jsonPath().getString("[0].patientConsent")).isEqualTo(stored.getIdPart());
        Consent member = FHIR.newJsonParser().parseResource(Consent.class,
                as("auditor").get("/fhir/r4/Consent/" + v1.jsonPath().getString("[0].id")).asString());
        assertThat(((org.hl7.fhir.r4.model.Reference) member.getExtensionByUrl("urn:veil:fhir:patient-consent").getValue()).getReference())
                .isEqualTo("Consent/" + stored.getIdPart());
        assertThat(index.count("audit_event WHERE action = 'consent recorded' AND '" + later + "' = ANY (study_uids)")).isEqualTo(1);

        // A second patient-wide consent for research would overlap: refused, nothing recorded.
        long before = index.count("patient_consent");
        Response twice = post(research(patient));
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(outcome(twice).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.CONFLICT);
        assertThat(index.count("patient_consent")).isEqualTo(before);

        stored.setStatus(Consent.ConsentState.REJECTED);
        assertThat(as("clinician").contentType("application/fhir+json").body(FHIR.newJsonParser().encodeResourceToString(stored))
                .put("/fhir/r4/Consent/" + stored.getIdPart()).statusCode()).isEqualTo(200);
        assertThat(seenByResearcher(study)).isNull();
        assertThat(seenByResearcher(later)).isNull();
        String afterWithdrawal = study + ".3";
        store(afterWithdrawal, patient, null);
        assertThat(seenByResearcher(afterWithdrawal)).as("a withdrawn patient consent covers nothing new").isNull();
        // The withdrawn consent stays on record for the new study, withdrawn: with teaching allowed
        // where none is on record, a refusal must go on counting for studies stored after it.
        assertThat(index.count("consent c JOIN consent_withdrawal w ON w.consent_id = c.id WHERE c.study_instance_uid = '"
                + afterWithdrawal + "'")).isEqualTo(1);
        assertThat(index.count("consent c WHERE c.study_instance_uid = '" + afterWithdrawal
                + "' AND NOT EXISTS (SELECT 1 FROM consent_withdrawal w WHERE w.consent_id = c.id)")).isZero();
        assertThat(as("auditor").get("/api/v1/studies/" + afterWithdrawal + "/consents").jsonPath().getBoolean("[0].active")).isFalse();
        Consent read = FHIR.newJsonParser().parseResource(Consent.class, as("auditor").get("/fhir/r4/Consent/" + stored.getIdPart()).asString());
        assertThat(read.getStatus()).isEqualTo(Consent.ConsentState.INACTIVE);
        assertThat(read.getExtensionByUrl("urn:veil:fhir:withdrawal").getExtensionString("reason")).contains("rejected");
    }

    @Test
    void aPatientIdentifierSystemThatNoStudyCarriesIsRefusedNotRecordedAsCoveringNothing() throws Exception {
        long before = index.count("patient_consent");
        Response r = post(research(patient).replace("\"patient\":{\"identifier\":{\"value\"",
                "\"patient\":{\"identifier\":{\"system\":\"urn:oid:1.2.3.4\",\"value\""));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(422);
        assertThat(outcome(r).getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Consent.patient.identifier");
        assertThat(index.count("patient_consent")).isEqualTo(before);
    }

    /**
     * A date without a time has no zone in FHIR; with none configured it is read as narrowly as any
     * zone could mean it: the day ends when the next begins at UTC+14, and begins when it begins
     * at UTC-12. No reading grants a moment outside the days agreed to.
     */
    @Test
    void aDateWithoutATimeIsReadAsNarrowlyAsAnyZoneCouldMeanIt() {
        String start = Instant.now().plus(2, ChronoUnit.DAYS).toString().substring(0, 10);
        String day = Instant.now().plus(40, ChronoUnit.DAYS).toString().substring(0, 10);
        Response r = post(research(patient, study).replaceFirst("\"end\":\"[^\"]+\"", "\"start\":\"" + start + "\",\"end\":\"" + day + "\""));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        Response v = as("auditor").get("/api/v1/studies/" + study + "/consents");
        assertThat(Instant.parse(v.jsonPath().getString("[0].validUntil")))
                .isEqualTo(java.time.LocalDate.parse(day).plusDays(1).atStartOfDay(java.time.ZoneOffset.ofHours(14)).toInstant());
        assertThat(Instant.parse(v.jsonPath().getString("[0].validFrom")))
                .isEqualTo(java.time.LocalDate.parse(start).atStartOfDay(java.time.ZoneOffset.ofHours(-12)).toInstant());
    }

    /**
     * The race the storing trigger's lock closes: studies arrive for the patient from four clients
     * while the patient consent is withdrawn. Every consent row it made, whenever its study
     * arrived, ends withdrawn, and none of the studies is visible.
     */
    @Test
    void aWithdrawalWhileStudiesArriveLeavesNoConsentBehind() throws Exception {
        Response created = post(research(patient));
        assertThat(created.statusCode()).isEqualTo(201);
        Consent stored = FHIR.newJsonParser().parseResource(Consent.class, created.asString());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.List<java.util.concurrent.Future<java.util.List<String>>> stores = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int client = t;
            stores.add(pool.submit(() -> {
                java.util.List<String> mine = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String s = study + "." + (client + 1) + "0" + i;
                    store(s, patient, null);
                    mine.add(s);
                }
                return mine;
            }));
        }
        Thread.sleep(300);
        stored.setStatus(Consent.ConsentState.INACTIVE);
        Response withdrawn = as("clinician").contentType("application/fhir+json").body(FHIR.newJsonParser().encodeResourceToString(stored))
                .put("/fhir/r4/Consent/" + stored.getIdPart());
        java.util.List<String> all = new java.util.ArrayList<>(List.of(study));
        for (java.util.concurrent.Future<java.util.List<String>> f : stores) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertThat(withdrawn.statusCode()).isEqualTo(200);
        assertThat(index.count("consent WHERE patient_consent_id = '" + stored.getIdPart() + "'")).as("rows it made").isPositive();
        assertThat(index.count("consent c WHERE patient_consent_id = '" + stored.getIdPart()
                + "' AND NOT EXISTS (SELECT 1 FROM consent_withdrawal w WHERE w.consent_id = c.id)")).as("rows left active").isZero();
        for (String s : all) {
            assertThat(seenByResearcher(s)).as(s).isNull();
        }
    }

    @Test
    void aConsentForSeveralStudiesCoversThoseAndNoOther() throws Exception {
        String second = study + ".2";
        String notNamed = study + ".3";
        store(second, patient, null);
        store(notNamed, patient, null);
        Response created = post(research(patient, study, second));
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        assertThat(seenByResearcher(study)).isNotNull();
        assertThat(seenByResearcher(second)).isNotNull();
        assertThat(seenByResearcher(notNamed)).isNull();
        Consent stored = FHIR.newJsonParser().parseResource(Consent.class, created.asString());
        assertThat(stored.getProvision().getData()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON | research=yes | ",
            "another resource | {\"resourceType\":\"Patient\",\"id\":\"x\"} | ",
            "unknown element | CONSENT+\"surprise\":1 | surprise",
            "draft | STATUS=draft | Consent.status",
            "deny | \"type\":\"permit\"=>\"type\":\"deny\" | Consent.provision.type",
            "nested provision | \"type\":\"permit\",=>\"type\":\"permit\",\"provision\":[{\"type\":\"deny\"}], | Consent.provision.provision",
            "actor | \"type\":\"permit\",=>\"type\":\"permit\",\"actor\":[{\"role\":{\"text\":\"x\"},\"reference\":{\"display\":\"Dr X\"}}], | Consent.provision.actor",
            "data period | \"type\":\"permit\",=>\"type\":\"permit\",\"dataPeriod\":{\"end\":\"2020-01-01\"}, | Consent.provision.dataPeriod",
            "treatment | HRESCH=>TREAT | Consent.provision.purpose[0]",
            "unknown purpose | HRESCH=>GOSSIP | Consent.provision.purpose[0]",
            "no method | urn:veil:consent-method=>urn:other | Consent.category",
            "two methods | {\"system\":\"http://loinc.org\",\"code\":\"59284-0\"}=>{\"system\":\"urn:veil:consent-method\",\"code\":\"verbal\"} | Consent.category",
            "patient by reference only | \"patient\":{\"identifier\":{\"value\":\"PID\"}}=>\"patient\":{\"reference\":\"Patient/1\"} | Consent.patient.identifier",
            "study by reference only | \"reference\":{\"identifier\":{\"system\":\"urn:dicom:uid\",\"value\":\"urn:oid:STUDY\"}}=>\"reference\":{\"reference\":\"ImagingStudy/1\"} | Consent.provision.data[0].reference.identifier",
            "study as a bare reference | {\"system\":\"urn:dicom:uid\",\"value\":\"urn:oid:STUDY\"}=>{\"system\":\"urn:other\",\"value\":\"STUDY\"} | Consent.provision.data[0].reference.identifier",
            "invalid UID | urn:oid:STUDY=>urn:oid:1.2.abc | Consent.provision.data[0].reference.identifier.value",
            "unknown study | urn:oid:STUDY=>urn:oid:1.2.3.4.5.6.999 | Consent.provision.data",
            "another patient's study | \"value\":\"PID\"=>\"value\":\"SOMEONE-ELSE\" | Consent.patient.identifier",
            "modifier extension | \"status\":\"active\",=>\"status\":\"active\",\"modifierExtension\":[{\"url\":\"urn:x\",\"valueBoolean\":true}], | Consent.modifierExtension",
            "end in the past | PERIOD=2020-01-01T00:00:00Z | Consent.provision.period.end",
            "empty data list (would read as all studies) | RE:,\"data\":\\[.*\\]=>,\"data\":[] | Consent.provision.data",
            "a repeated provision (the last would win) | CONSENT+\"provision\":{\"type\":\"permit\",\"purpose\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"HRESCH\"}]} | ",
            "treatment scope | consentscope\",\"code\":\"research\"=>consentscope\",\"code\":\"treatment\" | Consent.scope",
            "an external policy | CONSENT+\"policy\":[{\"uri\":\"https://example.org/policy\"}] | Consent.policy",
            "implicit rules | CONSENT+\"implicitRules\":\"https://example.org/rules\" | Consent.implicitRules",
            "a contained resource | CONSENT+\"contained\":[{\"resourceType\":\"Patient\",\"id\":\"p1\"}] | Consent.contained",
            "not verified | CONSENT+\"verification\":[{\"verified\":false}] | Consent.verification",
            "an opt-out rule | CONSENT+\"policyRule\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTOUT\"}]} | Consent.policyRule",
            "a method without a code | {\"system\":\"urn:veil:consent-method\",\"code\":\"written\"}=>{\"system\":\"urn:veil:consent-method\"} | Consent.category",
            "PatientID only as an extension | \"value\":\"PID\"=>\"_value\":{\"extension\":[{\"url\":\"urn:x\",\"valueString\":\"y\"}]} | Consent.patient.identifier",
            "period end only as an extension | RE:\"end\":\"[^\"]+\"=>\"_end\":{\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/data-absent-reason\",\"valueCode\":\"unknown\"}]} | Consent.provision.period.end",
            "two evidence hashes | \"sourceAttachment\":{\"url\":\"urn:ehr:document:7781\"}=>\"sourceAttachment\":{\"url\":\"urn:ehr:document:7781\",\"extension\":[{\"url\":\"urn:veil:fhir:evidence-sha256\",\"valueString\":\"A\"},{\"url\":\"urn:veil:fhir:evidence-sha256\",\"valueString\":\"B\"}]} | Consent.sourceAttachment.extension",
            "a modifier extension deep in data | \"meaning\":\"related\"=>\"meaning\":\"related\",\"modifierExtension\":[{\"url\":\"urn:x\",\"valueBoolean\":true}] | Consent.provision.data[0].modifierExtension",
            "an empty string | \"code\":\"HRESCH\"=>\"code\":\"\" | Consent.provision.purpose",
            "a year beyond the registry's | PERIOD=+20000-01-01T00:00:00Z | ",
            "a NUL in the evidence reference (PostgreSQL's text holds none) | urn:ehr:document:7781=>urn:ehr:\\u0000document:7781 | ",
            "a NUL in the PatientID | \"value\":\"PID\"=>\"value\":\"P\\u0000ID\" | ",
            "a control character in the PatientID | \"value\":\"PID\"=>\"value\":\"P\\u0007ID\" | Consent.patient.identifier.value",
            "a backslash in the PatientID (a second value in DICOM) | \"value\":\"PID\"=>\"value\":\"P\\\\ID\" | Consent.patient.identifier.value",
            "a study and its dependents | \"meaning\":\"related\"=>\"meaning\":\"dependents\" | Consent.provision.data[0].meaning",
            "what the patient authored | \"meaning\":\"related\"=>\"meaning\":\"authoredby\" | Consent.provision.data[0].meaning",
    })
    void whatVeilCannotRecordAsSentIs422WithAnOperationOutcomeAndRecordsNothing(String name, String edit, String expression)
            throws Exception {
        String good = research(patient, study).replace("\"value\":\"" + patient + "\"", "\"value\":\"PID\"")
                .replace("urn:oid:" + study, "urn:oid:STUDY");
        String body = edit(good, edit).replace("\"value\":\"PID\"", "\"value\":\"" + patient + "\"")
                .replace("urn:oid:STUDY", "urn:oid:" + study).replace("\"value\":\"STUDY\"", "\"value\":\"" + study + "\"");
        long consents = index.count("consent");
        long patients = index.count("patient_consent");
        long audit = index.count("audit_event WHERE action = 'consent recorded'");
        Response r = post(body);
        assertThat(r.statusCode()).as(name + ": " + r.asString()).isEqualTo(422);
        OperationOutcome o = outcome(r);
        assertThat(o.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(o.getIssueFirstRep().getDiagnostics()).isNotBlank().doesNotContain(patient);
        if (expression != null) {
            assertThat(o.getIssueFirstRep().getExpression()).anySatisfy(e -> assertThat(e.getValue()).contains(expression));
        }
        assertThat(index.count("consent")).isEqualTo(consents);
        assertThat(index.count("patient_consent")).isEqualTo(patients);
        assertThat(index.count("audit_event WHERE action = 'consent recorded'")).isEqualTo(audit);
        assertThat(seenByResearcher(study)).isNull();
    }

    /** The test's edits of a good Consent: whole bodies, a status, an appended element, a period end, or a=>b replacements. */
    private static String edit(String good, String edit) {
        if (!edit.contains("=>") && !edit.matches("(CONSENT\\+|STATUS=|PERIOD=).*")) {
            return edit;
        }
        if (edit.startsWith("RE:")) {
            String[] ab = edit.substring(3).split("=>", 2);
            String out = good.replaceFirst(ab[0], java.util.regex.Matcher.quoteReplacement(ab[1]));
            assertThat(out).as("the edit applies").isNotEqualTo(good);
            return out;
        }
        if (edit.startsWith("CONSENT+")) {
            return good.replaceFirst("\\{", "{" + edit.substring("CONSENT+".length()) + ",");
        }
        if (edit.startsWith("STATUS=")) {
            return good.replace("\"status\":\"active\"", "\"status\":\"" + edit.substring("STATUS=".length()) + "\"");
        }
        if (edit.startsWith("PERIOD=")) {
            return good.replaceFirst("\"end\":\"[^\"]+\"", "\"end\":\"" + edit.substring("PERIOD=".length()) + "\"");
        }
        String[] ab = edit.split("=>", 2);
        assertThat(good).as("the edit applies").contains(ab[0]);
        return good.replace(ab[0], ab[1]);
    }

    private static OperationOutcome outcome(Response r) {
        assertThat(r.contentType()).startsWith("application/fhir+json");
        return FHIR.newJsonParser().parseResource(OperationOutcome.class, r.asString());
    }

    @Test
    void rolesTokensAndMediaTypesAreChecked() {
        String body = research(patient, study);
        for (String user : List.of("researcher", "consultant", "auditor", "uploader")) {
            Response r = as(user).contentType("application/fhir+json").body(body).post("/fhir/r4/Consent");
            assertThat(r.statusCode()).as(user).isEqualTo(403);
            assertThat(outcome(r).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
        }
        Response anonymous = RestAssured.given().contentType("application/fhir+json").body(body).post("/fhir/r4/Consent");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.asString()).contains("reason");
        assertThat(as("clinician").contentType("application/xml").body("<Consent/>").post("/fhir/r4/Consent").statusCode()).isEqualTo(415);
        assertThat(as("researcher").get("/fhir/r4/AuditEvent").statusCode()).isEqualTo(403);
        assertThat(as("clinician").get("/fhir/r4/Consent/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(as("clinician").get("/fhir/r4/Consent/not-an-id").statusCode()).isEqualTo(404);
        assertThat(as("clinician").get("/fhir/r4/Consent").statusCode()).as("a search needs the patient").isEqualTo(400);

        Response metadata = as("researcher").get("/fhir/r4/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        CapabilityStatement cs = FHIR.newJsonParser().parseResource(CapabilityStatement.class, metadata.asString());
        assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType()).containsExactly("Consent", "AuditEvent");
        assertThat(RestAssured.given().get("/fhir/r4/metadata").statusCode()).isEqualTo(401);
    }

    /**
     * A read asked for XML is 406, as a search is, not answered in JSON as if JSON had been asked
     * for; a parameter a read does not take is refused, not ignored.
     */
    @Test
    void aReadTakesOnlyTheFormatItCanAnswer() {
        Response created = post(research(patient, study));
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String id = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Consent.class, created.asString()).getIdElement().getIdPart();
        for (String path : List.of("/fhir/r4/Consent/" + id, "/fhir/r4/Consent/" + id + "/_history",
                "/fhir/r4/Consent/" + id + "/_history/1", "/fhir/r4/metadata", "/fhir/r4/Consent?patient.identifier=" + patient)) {
            String join = path.contains("?") ? "&" : "?";
            assertThat(as("clinician").get(path + join + "_format=json").statusCode()).as(path).isEqualTo(200);
            Response xml = as("clinician").get(path + join + "_format=xml");
            assertThat(xml.statusCode()).as(path).isEqualTo(406);
            assertThat(outcome(xml).getIssueFirstRep().getDiagnostics()).contains("JSON only");
            Response unknown = as("clinician").get(path + join + "_elements=status");
            assertThat(unknown.statusCode()).as(path).isEqualTo(400);
            assertThat(outcome(unknown).getIssueFirstRep().getDiagnostics()).contains("unsupported");
        }
    }

    @Test
    void auditEventsParseWithHapiCarryThePurposeAndAreThemselvesAudited() throws Exception {
        assertThat(post(research(patient, study)).statusCode()).isEqualTo(201);
        assertThat(seenByResearcher(study)).isNotNull();
        Response studyQuery = researcher().accept("application/dicom+json").get("/dicomweb/studies?limit=1000");
        assertThat(studyQuery.statusCode()).isEqualTo(200);

        long usedBefore = index.count("audit_event WHERE event_id = '110101' AND outcome = 'success'");
        long refusedBefore = index.count("audit_event WHERE action = 'audit trail read refused' AND outcome = 'failed'");
        Response r = as("auditor").get("/fhir/r4/AuditEvent?patient.identifier=" + patient + "&_count=1000");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        Bundle b = FHIR.newJsonParser().parseResource(Bundle.class, r.asString());
        assertThat(b.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        List<AuditEvent> events = b.getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
        assertThat(events).isNotEmpty();
        AuditEvent recorded = events.stream().filter(e -> e.getSubtypeFirstRep().getCode().equals("consent recorded")).findFirst()
                .orElseThrow();
        assertThat(recorded.getType().getCode()).isEqualTo("110110");
        assertThat(recorded.getType().getSystem()).isEqualTo("http://dicom.nema.org/resources/ontology/DCM");
        assertThat(recorded.getAction()).isEqualTo(AuditEvent.AuditEventAction.U);
        assertThat(recorded.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo(patient));
        assertThat(recorded.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("urn:oid:" + study));

        AuditEvent research = events.stream().filter(e -> e.getType().getCode().equals("110112")).findFirst().orElseThrow();
        assertThat(research.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("HRESCH");
        assertThat(research.getPurposeOfEventFirstRep().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v3-ActReason");
        AuditEvent.AuditEventAgentComponent requestor = research.getAgent().stream().filter(a -> a.getRequestor()).findFirst().orElseThrow();
        assertThat(requestor.getName()).isEqualTo("researcher");
        assertThat(requestor.getAltId()).isNotBlank();
        assertThat(requestor.getNetwork().getAddress()).isNotBlank();
        assertThat(research.getSource().getObserver().getIdentifier().getValue()).isNotBlank();
        assertThat(research.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);

        // Searching by purpose and by agent; paging with a next link.
        Bundle byPurpose = FHIR.newJsonParser().parseResource(Bundle.class, as("auditor")
                .get("/fhir/r4/AuditEvent?purpose=HRESCH&patient.identifier=" + patient).asString());
        assertThat(byPurpose.getEntry()).isNotEmpty().allSatisfy(e -> assertThat(((AuditEvent) e.getResource())
                .getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("HRESCH"));
        Bundle byAgent = FHIR.newJsonParser().parseResource(Bundle.class, as("auditor")
                .get("/fhir/r4/AuditEvent?agent=researcher&patient.identifier=" + patient).asString());
        assertThat(byAgent.getEntry()).isNotEmpty().allSatisfy(e -> assertThat(((AuditEvent) e.getResource()).getAgent())
                .anySatisfy(a -> assertThat(a.getName()).isEqualTo("researcher")));
        Bundle page = FHIR.newJsonParser().parseResource(Bundle.class, as("auditor")
                .get("/fhir/r4/AuditEvent?_count=1&patient.identifier=" + patient).asString());
        assertThat(page.getEntry()).hasSize(1);
        assertThat(page.getLink("next")).isNotNull();
        assertThat(page.getLink("next").getUrl()).contains("_offset=1");
        Bundle future = FHIR.newJsonParser().parseResource(Bundle.class, as("auditor")
                .get("/fhir/r4/AuditEvent?date=gt2999-01-01&patient.identifier=" + patient).asString());
        assertThat(future.getEntry()).isEmpty();
        Bundle today = FHIR.newJsonParser().parseResource(Bundle.class, as("auditor")
                .get("/fhir/r4/AuditEvent?date=ge" + Instant.now().minus(1, ChronoUnit.DAYS).toString().substring(0, 10)
                        + "&patient.identifier=" + patient).asString());
        assertThat(today.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsAll(events.stream().map(e -> e.getIdElement().getIdPart()).toList());
        assertThat(as("auditor").get("/fhir/r4/AuditEvent?entity=x").statusCode()).as("unknown parameter").isEqualTo(400);
        assertThat(as("auditor").get("/fhir/r4/AuditEvent?date=sa2020").statusCode()).isEqualTo(400);
        // An empty value is no filter the reader meant (it read the whole trail); an identifier no
        // PatientID can be was filed as a patient on the trail and copied by later reads.
        for (String odd : List.of("_offset=1000001", "patient.identifier=P%00X", "agent=a%01b", "patient.identifier=", "agent=",
                "patient.identifier=" + "A".repeat(65), "patient.identifier=a%7Cb%7Cc")) {
            // Sent as written: %00 is the NUL character, not the three characters.
            Response refused = as("auditor").urlEncodingEnabled(false).get("/fhir/r4/AuditEvent?" + odd);
            assertThat(refused.statusCode()).as(odd).isEqualTo(400);
            assertThat(refused.asString()).as(odd).contains("OperationOutcome");
        }
        Response nulPatient = as("auditor").urlEncodingEnabled(false).get("/fhir/r4/Consent?patient.identifier=P%00X");
        assertThat(nulPatient.statusCode()).as("a NUL in a consent search: 400, not the database's 503").isEqualTo(400);
        assertThat(nulPatient.asString()).contains("OperationOutcome");
        for (String odd : List.of("B".repeat(65), "a%7Cb%7Cc", "C".repeat(65) + "%7CP1")) {
            Response refused = as("clinician").urlEncodingEnabled(false).get("/fhir/r4/Consent?patient.identifier=" + odd);
            assertThat(refused.statusCode()).as(odd).isEqualTo(400);
            assertThat(refused.asString()).as(odd).contains("OperationOutcome").contains("at most 64 characters");
        }

        // Every read of the trail is itself on it, with what it asked; so is every refused one.
        assertThat(index.count("audit_event WHERE event_id = '110101' AND outcome = 'success'")).isEqualTo(usedBefore + 6);
        assertThat(index.count("audit_event WHERE action = 'audit trail read refused' AND outcome = 'failed'")).isEqualTo(refusedBefore + 9);
        assertThat(index.strings("SELECT detail FROM audit_event WHERE event_id = '110101' AND outcome = 'success' ORDER BY id DESC LIMIT 6"))
                .anySatisfy(d -> assertThat(d).contains("purpose=HRESCH"));
        // Filed under the patient searched for: the patient's own trail shows who read it.
        assertThat(index.count("audit_event WHERE event_id = '110101' AND outcome = 'success' AND '" + patient + "' = ANY (patient_ids)"))
                .isEqualTo(6);

        // Found by purpose and agent alone, the rows are filed under every patient they name; a
        // page larger than Veil serves is a page of its size, not a refusal (search.html#count).
        Response byAgentAlone = as("auditor").get("/fhir/r4/AuditEvent?purpose=HRESCH&agent=researcher&_count=5000");
        assertThat(byAgentAlone.statusCode()).as(byAgentAlone.asString()).isEqualTo(200);
        Bundle agentPage = FHIR.newJsonParser().parseResource(Bundle.class, byAgentAlone.asString());
        assertThat(agentPage.getEntry()).isNotEmpty().hasSizeLessThanOrEqualTo(AuditEventSearch.MAX_COUNT);
        java.util.Set<String> named = new java.util.TreeSet<>();
        agentPage.getEntry().forEach(e -> ((AuditEvent) e.getResource()).getEntity().stream()
                .filter(en -> "1".equals(en.getRole().getCode())).forEach(en -> named.add(en.getWhat().getIdentifier().getValue())));
        assertThat(named).contains(patient);
        List<String> filedUnder = index.strings("SELECT unnest(patient_ids) FROM audit_event WHERE id = "
                + "(SELECT max(id) FROM audit_event WHERE event_id = '110101' AND outcome = 'success')");
        assertThat(new java.util.TreeSet<>(filedUnder)).isEqualTo(named);
    }
}
