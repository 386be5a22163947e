// The part of FHIR R4 (4.0.1) that Ordo serves, typed so the mapping cannot drift from it silently.
// Only the elements Ordo fills are declared; the validator (tools/fhir/validator.ts) holds them
// to the specification.

export interface Coding {
  system: string;
  code: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  type?: CodeableConcept;
  system: string;
  value: string;
}

export interface Reference {
  reference?: string;
  /** The type of what is referred to, when only its identifier is given. */
  type?: string;
  identifier?: Identifier;
  display?: string;
}

export interface Period {
  start?: string;
  end?: string;
}

export interface Quantity {
  value: number;
  unit?: string;
  system?: string;
  code?: string;
}

export interface Narrative {
  status: 'generated' | 'extensions' | 'additional' | 'empty';
  /** XHTML: a `<div xmlns="http://www.w3.org/1999/xhtml">`. */
  div: string;
}

export interface Meta {
  lastUpdated?: string;
}

interface DomainResource {
  id?: string;
  meta?: Meta;
  text?: Narrative;
}

/** R4's MedicationRequest.status codes (http://hl7.org/fhir/CodeSystem/medicationrequest-status). */
export const MEDICATION_REQUEST_STATUSES = [
  'active',
  'on-hold',
  'cancelled',
  'completed',
  'entered-in-error',
  'stopped',
  'draft',
  'unknown',
] as const;
export type MedicationRequestStatus = (typeof MEDICATION_REQUEST_STATUSES)[number];

export interface Dosage {
  sequence?: number;
  text: string;
  timing?: { repeat: { boundsDuration: Quantity } };
}

export interface MedicationRequest extends DomainResource {
  resourceType: 'MedicationRequest';
  id: string;
  status: MedicationRequestStatus;
  statusReason?: CodeableConcept;
  intent: 'order';
  category?: CodeableConcept[];
  medicationCodeableConcept: CodeableConcept;
  subject: Reference;
  authoredOn: string;
  requester: Reference;
  groupIdentifier: Identifier;
  dosageInstruction: Dosage[];
  dispenseRequest: {
    validityPeriod: Period;
    numberOfRepeatsAllowed: number;
    quantity: Quantity;
    expectedSupplyDuration?: Quantity;
  };
  substitution: { allowedBoolean: boolean };
}

export interface HumanName {
  use?: 'usual' | 'official';
  text?: string;
  family?: string;
  given?: string[];
}

export interface Patient extends DomainResource {
  resourceType: 'Patient';
  identifier: Identifier[];
  name: HumanName[];
  gender: 'male' | 'female' | 'other' | 'unknown';
  birthDate: string;
}

export interface Practitioner extends DomainResource {
  resourceType: 'Practitioner';
  identifier: Identifier[];
  name: HumanName[];
  /** The specialty as printed on the ordonnance (`Médecine générale`), as text. */
  qualification?: { code: CodeableConcept }[];
  telecom?: { system: 'phone'; value: string; use: 'work' }[];
  address: { use: 'work'; line: string[]; city: string; postalCode: string; country: string }[];
}

/** R4's MedicationDispense.status codes (http://hl7.org/fhir/CodeSystem/medicationdispense-status). */
export type MedicationDispenseStatus = 'completed' | 'declined';

export interface MedicationDispense extends DomainResource {
  resourceType: 'MedicationDispense';
  id: string;
  identifier: Identifier[];
  status: MedicationDispenseStatus;
  statusReasonCodeableConcept?: CodeableConcept;
  medicationCodeableConcept: CodeableConcept;
  subject: Reference;
  performer: { actor: Reference }[];
  authorizingPrescription: Reference[];
  quantity: Quantity;
  whenHandedOver: string;
  substitution: { wasSubstituted: boolean; type?: CodeableConcept };
}

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  details?: CodeableConcept;
  diagnostics?: string;
}

export interface OperationOutcome extends DomainResource {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

export type BundleResource = MedicationRequest | Patient | Practitioner | MedicationDispense;

export interface BundleEntry {
  fullUrl?: string;
  resource?: BundleResource;
  search?: { mode: 'match' | 'include' };
  /** A transaction-response's answer to the entry of the same place in the transaction. */
  response?: { status: string; location?: string; lastModified?: string };
}

export interface Bundle {
  resourceType: 'Bundle';
  id?: string;
  meta?: Meta;
  identifier?: Identifier;
  type: 'collection' | 'searchset' | 'transaction-response';
  timestamp?: string;
  link?: { relation: 'self' | 'next'; url: string }[];
  entry?: BundleEntry[];
}

export interface CapabilityStatement extends DomainResource {
  resourceType: 'CapabilityStatement';
  [element: string]: unknown;
}

export type Resource = MedicationRequest | MedicationDispense | Patient | Practitioner | OperationOutcome | Bundle | CapabilityStatement;
