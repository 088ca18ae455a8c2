package org.veil.fhir;

import java.util.Date;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;

/** What {@code /fhir/r4} does, as its CapabilityStatement (FHIR R4 capabilitystatement.html). */
final class Capabilities {
    private static final Date PUBLISHED = Date.from(java.time.Instant.parse("2026-11-29T00:00:00Z"));

    private Capabilities() {
    }

    static CapabilityStatement statement(String base) {
        CapabilityStatement s = new CapabilityStatement();
        s.setStatus(Enumerations.PublicationStatus.ACTIVE);
        s.setDate(PUBLISHED);
        s.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        s.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        s.addFormat(FhirJson.MEDIA_TYPE);
        s.getSoftware().setName("Veil");
        s.getImplementation().setDescription("Veil consent registry and audit trail").setUrl(base);
        CapabilityStatement.CapabilityStatementRestComponent rest = s.addRest()
                .setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().addService(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth")))
                .setDescription("OIDC bearer tokens from the hospital's Keycloak, with the roles of /api/v1: clinicians record and "
                        + "withdraw consents; clinicians, auditors and admins read them; auditors and admins read AuditEvents");

        CapabilityStatement.CapabilityStatementRestResourceComponent consent = rest.addResource().setType("Consent")
                .setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONED)
                .setUpdateCreate(false)
                .setDocumentation("Active permits for consultation (CONSULT), teaching (TRAIN), research (HRESCH) and publication "
                        + "(PUBLISH); the patient by identifier; studies in provision.data (urn:dicom:uid), none for all of the "
                        + "patient's studies. An update may only withdraw (status inactive or rejected).");
        for (CapabilityStatement.TypeRestfulInteraction i : new CapabilityStatement.TypeRestfulInteraction[] {
                CapabilityStatement.TypeRestfulInteraction.CREATE, CapabilityStatement.TypeRestfulInteraction.READ,
                CapabilityStatement.TypeRestfulInteraction.UPDATE, CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE,
                CapabilityStatement.TypeRestfulInteraction.VREAD, CapabilityStatement.TypeRestfulInteraction.HISTORYINSTANCE}) {
            consent.addInteraction().setCode(i);
        }
        consent.addSearchParam().setName("patient.identifier").setType(Enumerations.SearchParamType.TOKEN)
                .setDocumentation("[system|]PatientID; the system is the IssuerOfPatientID");

        CapabilityStatement.CapabilityStatementRestResourceComponent audit = rest.addResource().setType("AuditEvent")
                .setDocumentation("Veil's audit trail (hash-chained) as IHE BALP AuditEvents, oldest first");
        audit.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
        audit.addSearchParam().setName("date").setType(Enumerations.SearchParamType.DATE);
        audit.addSearchParam().setName("patient.identifier").setType(Enumerations.SearchParamType.TOKEN);
        audit.addSearchParam().setName("purpose").setType(Enumerations.SearchParamType.TOKEN);
        audit.addSearchParam().setName("agent").setType(Enumerations.SearchParamType.STRING)
                .setDocumentation("the user's subject or user name");
        audit.addSearchParam().setName("_count").setType(Enumerations.SearchParamType.NUMBER);
        audit.addSearchParam().setName("_offset").setType(Enumerations.SearchParamType.NUMBER);
        return s;
    }
}
