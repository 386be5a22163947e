import type { CapabilityStatement } from '../../../prescribing/src/fhir/fhir-r4';
import { RESTFUL_SECURITY_SERVICE_SYSTEM } from '../../../prescribing/src/fhir/fhir-systems';
import { narrative } from '../../../prescribing/src/fhir/narrative';

/** When what this statement says last changed: move it with the API. */
const STATEMENT_DATE = '2026-12-05';

/** What `GET /fhir/metadata` answers on dispensing: the pharmacy's FHIR R4 view, at `baseUrl`. */
export function capabilityStatement(baseUrl: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    id: 'ordo-dispensing',
    text: narrative([
      'Ordo dispensing: a read-only FHIR R4 view for pharmacies.',
      'MedicationRequest: read, search by group-identifier (the prescription ID). MedicationDispense: read, search by prescription.',
    ]),
    name: 'OrdoDispensing',
    title: 'Ordo dispensing, FHIR R4',
    status: 'active',
    date: STATEMENT_DATE,
    publisher: 'Ordo',
    description:
      'Prescriptions by ID for any pharmacist, one MedicationRequest per line; what the pharmacy of the bearer token dispensed, one MedicationDispense per line (docs/fhir.md).',
    kind: 'instance',
    software: { name: 'Ordo dispensing' },
    implementation: { description: 'Ordo dispensing', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: RESTFUL_SECURITY_SERVICE_SYSTEM, code: 'OAuth' }] }],
          description:
            'Every interaction but this one needs a bearer JWT (Authorization header) with the role pharmacist and finess and rpps claims (docs/security.md); a pharmacy sees only its own dispensations.',
        },
        resource: [
          {
            type: 'MedicationRequest',
            documentation:
              'One per prescription line, its id the prescription ID, a hyphen and the line number; groupIdentifier is the prescription ID.',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [
              {
                name: 'group-identifier',
                type: 'token',
                documentation:
                  'Required: the prescription ID (any typed form, optionally https://ordo.example/prescription-id|ID); R5 defines this parameter, R4 does not.',
              },
            ],
          },
          {
            type: 'MedicationDispense',
            documentation:
              "One per line of one of the pharmacy's dispensations, its id the dispensation's UUID, a hyphen and the line number.",
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            searchParam: [
              {
                name: 'prescription',
                definition: 'http://hl7.org/fhir/SearchParameter/medications-prescription',
                type: 'reference',
                documentation:
                  'Required: a prescription ID for every line, or a MedicationRequest reference (MedicationRequest/ then the prescription ID, a hyphen and the line number) for one.',
              },
            ],
          },
        ],
      },
    ],
  };
}
