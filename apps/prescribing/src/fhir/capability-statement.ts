import type { CapabilityStatement } from './fhir-r4';
import { RESTFUL_SECURITY_SERVICE_SYSTEM } from './fhir-systems';
import { narrative } from './narrative';

/** When what this statement says last changed: move it with the API. */
const STATEMENT_DATE = '2026-12-05';

/** What `GET /fhir/metadata` answers: the FHIR R4 API of prescribing, at `baseUrl`. */
export function capabilityStatement(baseUrl: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    id: 'ordo-prescribing',
    text: narrative([
      'Ordo prescribing: the prescriptions a prescriber writes, in FHIR R4.',
      'MedicationRequest: read, search by patient, status, authoredon. Bundle: read, one prescription whole.',
      'Writing: a transaction Bundle of one Patient, one Practitioner and the MedicationRequests of one prescription, POSTed to the base.',
    ]),
    name: 'OrdoPrescribing',
    title: 'Ordo prescribing, FHIR R4',
    status: 'active',
    date: STATEMENT_DATE,
    publisher: 'Ordo',
    description: 'The prescriptions of the prescriber the bearer token names, one MedicationRequest per line (docs/fhir.md).',
    kind: 'instance',
    software: { name: 'Ordo prescribing' },
    implementation: { description: 'Ordo prescribing', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: RESTFUL_SECURITY_SERVICE_SYSTEM, code: 'OAuth' }] }],
          description:
            'Every interaction but this one needs a bearer JWT (Authorization header) with the role prescriber and an rpps claim (docs/security.md); a prescriber sees only their own prescriptions.',
        },
        resource: [
          {
            type: 'MedicationRequest',
            documentation:
              'One per prescription line, its id the prescription ID, a hyphen and the line number; groupIdentifier is the prescription ID.',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [
              {
                name: 'patient',
                definition: 'http://hl7.org/fhir/SearchParameter/clinical-patient',
                type: 'reference',
                documentation:
                  "The patient's INS as patient, or as patient:identifier with the system urn:oid:1.2.250.1.213.1.4.8 (system|INS).",
              },
              {
                name: 'status',
                definition: 'http://hl7.org/fhir/SearchParameter/medications-status',
                type: 'token',
                documentation: 'Comma-separated for any of them.',
              },
              {
                name: 'authoredon',
                definition: 'http://hl7.org/fhir/SearchParameter/MedicationRequest-authoredon',
                type: 'date',
                documentation: 'Prefixes eq, gt, ge, lt, le, sa, eb; a date without a time is a day in Paris. _count: 1 to 100 (20).',
              },
            ],
          },
          {
            type: 'Bundle',
            documentation:
              'Read by prescription ID: the whole prescription, a collection of its Patient, Practitioner and MedicationRequests.',
            interaction: [{ code: 'read' }],
          },
        ],
        interaction: [
          {
            code: 'transaction',
            documentation:
              'Issues one prescription: a transaction Bundle of its Patient, its Practitioner (the caller) and one MedicationRequest per line, each POSTed; all or nothing, under the French rules of the JSON API (refusals as OperationOutcome with their code). An Idempotency-Key header makes a retry safe.',
          },
        ],
      },
    ],
  };
}
