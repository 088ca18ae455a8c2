package org.veil.fhir;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What HAPI FHIR reaches by reflection, registered for the native executable: its context names
 * the R4 model by class name ({@code FhirR4}), and its model scanner reads the fields, child
 * annotations and no-argument constructors of each resource it meets, of their nested blocks
 * (registered with them) and of every datatype an element or an extension may hold (the
 * {@code datatype.*} lines of HAPI's {@code fhirversion.properties}). Only the resources Veil
 * reads and writes are listed; the JVM needs none of this.
 */
@RegisterForReflection(targets = {
        org.hl7.fhir.r4.hapi.ctx.FhirR4.class,
        org.hl7.fhir.utilities.xhtml.XhtmlNode.class,
        org.hl7.fhir.r4.model.Consent.class,
        org.hl7.fhir.r4.model.AuditEvent.class,
        org.hl7.fhir.r4.model.Bundle.class,
        org.hl7.fhir.r4.model.OperationOutcome.class,
        org.hl7.fhir.r4.model.CapabilityStatement.class,
        org.hl7.fhir.r4.model.Resource.class,
        org.hl7.fhir.r4.model.DomainResource.class,
        org.hl7.fhir.r4.model.BackboneElement.class,
        org.hl7.fhir.r4.model.Element.class,
        org.hl7.fhir.r4.model.Type.class,
        org.hl7.fhir.r4.model.PrimitiveType.class,
        org.hl7.fhir.r4.model.Base.class,
        org.hl7.fhir.r4.model.Enumerations.class,
        org.hl7.fhir.r4.model.Address.class,
        org.hl7.fhir.r4.model.Age.class,
        org.hl7.fhir.r4.model.Annotation.class,
        org.hl7.fhir.r4.model.Attachment.class,
        org.hl7.fhir.r4.model.BackboneType.class,
        org.hl7.fhir.r4.model.Base64BinaryType.class,
        org.hl7.fhir.r4.model.BooleanType.class,
        org.hl7.fhir.r4.model.CanonicalType.class,
        org.hl7.fhir.r4.model.CodeType.class,
        org.hl7.fhir.r4.model.CodeableConcept.class,
        org.hl7.fhir.r4.model.Coding.class,
        org.hl7.fhir.r4.model.ContactDetail.class,
        org.hl7.fhir.r4.model.ContactPoint.class,
        org.hl7.fhir.r4.model.Contributor.class,
        org.hl7.fhir.r4.model.Count.class,
        org.hl7.fhir.r4.model.DataRequirement.class,
        org.hl7.fhir.r4.model.DateTimeType.class,
        org.hl7.fhir.r4.model.DateType.class,
        org.hl7.fhir.r4.model.DecimalType.class,
        org.hl7.fhir.r4.model.Distance.class,
        org.hl7.fhir.r4.model.Dosage.class,
        org.hl7.fhir.r4.model.Duration.class,
        org.hl7.fhir.r4.model.ElementDefinition.class,
        org.hl7.fhir.r4.model.Enumeration.class,
        org.hl7.fhir.r4.model.Expression.class,
        org.hl7.fhir.r4.model.Extension.class,
        org.hl7.fhir.r4.model.HumanName.class,
        org.hl7.fhir.r4.model.IdType.class,
        org.hl7.fhir.r4.model.Identifier.class,
        org.hl7.fhir.r4.model.InstantType.class,
        org.hl7.fhir.r4.model.IntegerType.class,
        org.hl7.fhir.r4.model.MarkdownType.class,
        org.hl7.fhir.r4.model.MarketingStatus.class,
        org.hl7.fhir.r4.model.Meta.class,
        org.hl7.fhir.r4.model.Money.class,
        org.hl7.fhir.r4.model.MoneyQuantity.class,
        org.hl7.fhir.r4.model.Narrative.class,
        org.hl7.fhir.r4.model.OidType.class,
        org.hl7.fhir.r4.model.ParameterDefinition.class,
        org.hl7.fhir.r4.model.Period.class,
        org.hl7.fhir.r4.model.Population.class,
        org.hl7.fhir.r4.model.PositiveIntType.class,
        org.hl7.fhir.r4.model.ProdCharacteristic.class,
        org.hl7.fhir.r4.model.ProductShelfLife.class,
        org.hl7.fhir.r4.model.Quantity.class,
        org.hl7.fhir.r4.model.Range.class,
        org.hl7.fhir.r4.model.Ratio.class,
        org.hl7.fhir.r4.model.Reference.class,
        org.hl7.fhir.r4.model.RelatedArtifact.class,
        org.hl7.fhir.r4.model.SampledData.class,
        org.hl7.fhir.r4.model.Signature.class,
        org.hl7.fhir.r4.model.SimpleQuantity.class,
        org.hl7.fhir.r4.model.StringType.class,
        org.hl7.fhir.r4.model.SubstanceAmount.class,
        org.hl7.fhir.r4.model.TimeType.class,
        org.hl7.fhir.r4.model.Timing.class,
        org.hl7.fhir.r4.model.TriggerDefinition.class,
        org.hl7.fhir.r4.model.UnsignedIntType.class,
        org.hl7.fhir.r4.model.UriType.class,
        org.hl7.fhir.r4.model.UrlType.class,
        org.hl7.fhir.r4.model.UsageContext.class,
        org.hl7.fhir.r4.model.UuidType.class
})
final class FhirNativeReflection {
    private FhirNativeReflection() {
    }
}
