// The URIs that name Ordo's identifiers and codes in FHIR. Why each was chosen: docs/fhir.md#identifiers-and-code-systems.

/** What every FHIR answer is sent as; R4 registers `application/fhir+json` (RFC 6838 +json suffix). */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/**
 * Ordo has no OID arc and no domain of its own yet. `.example` is reserved (RFC 2606, RFC 6761): it
 * can never collide with a real system, and reads as the placeholder it is. An invented `urn:oid:`
 * could collide with an arc someone owns. Change it in this one place once Ordo is given a name.
 */
const ORDO_NAMESPACE = 'https://ordo.example';

/** The prescription ID (MedicationRequest.groupIdentifier, the prescription Bundle's identifier). */
export const PRESCRIPTION_ID_SYSTEM = `${ORDO_NAMESPACE}/prescription-id`;

/** The form a prescription is written on: `secure` for an ordonnance sécurisée (MedicationRequest.category). */
export const PRESCRIPTION_FORM_SYSTEM = `${ORDO_NAMESPACE}/prescription-form`;
export const SECURE_FORM = 'secure';

/** A dispensing, as dispensing's JSON API names it (MedicationDispense.identifier: the dispensation's UUID and the line). */
export const DISPENSATION_ID_SYSTEM = `${ORDO_NAMESPACE}/dispensation-id`;

/** Ordo's stable error codes (PRESCRIPTION_NOT_FOUND, VALIDATION_FAILED…), in OperationOutcome.issue.details. */
export const ORDO_ERROR_CODE_SYSTEM = `${ORDO_NAMESPACE}/error-code`;

/** INS built on the NIR (FR Core Patient INS, the ANS ePrescription IG). */
export const INS_NIR_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';

/** National health professional identifier (IDNPS): "8" followed by the RPPS number ("0" + ADELI for the others). */
export const IDNPS_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';

/** The bare 11-digit RPPS number (FR Core Practitioner's `rpps` slice). */
export const RPPS_SYSTEM = 'https://rpps.esante.gouv.fr';

/** A pharmacy (or any health establishment), by its FINESS number (FR Core Organization's `finess` slice). */
export const FINESS_SYSTEM = 'http://finess.sante.gouv.fr';

/** A pack, by its CIP13 (the IG's FRMedicationCodes value set, `$CIP`). */
export const CIP13_SYSTEM = 'http://data.esante.gouv.fr/ansm/medicament/Presentation';

/** A medicine (spécialité), by its CIS (the IG's FRMedicationCodes value set, `$SpecialitePharmaceutique`). */
export const CIS_SYSTEM = 'http://data.esante.gouv.fr/ansm/medicament/SpecialitePharmaceutique';

/** FR Core's identifier types (INS-NIR, IDNPS, RPPS). */
export const FR_CORE_IDENTIFIER_TYPE_SYSTEM = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203';

export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

export const MEDICATION_REQUEST_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/medicationrequest-category';

/** Substitution at dispensing (R4's ActSubstanceAdminSubstitutionCode value set draws from it). */
export const SUBSTITUTION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-substanceAdminSubstitution';

export const RESTFUL_SECURITY_SERVICE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/restful-security-service';
