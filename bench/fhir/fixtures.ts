// What the FHIR benchmark sends: the prescribing benchmark's request (bench/prescribing/fixtures.ts:
// DOLIPRANE 1000 mg, a different patient on every request) written as the transaction Bundle a GP's
// software would POST to /fhir, so that both APIs issue the same prescription.
import { patientIns, prescriptionRequest } from '../prescribing/fixtures';

const INS_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
const CIP13_SYSTEM = 'http://data.esante.gouv.fr/ansm/medicament/Presentation';
const UCUM = 'http://unitsofmeasure.org';

export function fhirTransaction(n = 0) {
  const { prescriber, patient, lines } = prescriptionRequest(n);
  const [line] = lines;
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: 'urn:uuid:8d2f0a52-8b0e-4e77-9d3c-000000000001',
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: INS_SYSTEM, value: patient.ins }],
          name: [{ use: 'official', family: patient.lastName, given: [patient.firstName] }],
          gender: 'female',
          birthDate: patient.birthDate,
        },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        fullUrl: 'urn:uuid:8d2f0a52-8b0e-4e77-9d3c-000000000002',
        resource: {
          resourceType: 'Practitioner',
          name: [{ use: 'usual', text: prescriber.name }],
          qualification: [{ code: { text: prescriber.specialty } }],
          telecom: [{ system: 'phone', value: prescriber.phone, use: 'work' }],
          address: [
            {
              use: 'work',
              line: prescriber.address.lines,
              city: prescriber.address.city,
              postalCode: prescriber.address.postalCode,
              country: 'FR',
            },
          ],
        },
        request: { method: 'POST', url: 'Practitioner' },
      },
      {
        fullUrl: 'urn:uuid:8d2f0a52-8b0e-4e77-9d3c-000000000003',
        resource: {
          resourceType: 'MedicationRequest',
          status: 'active',
          intent: 'order',
          medicationCodeableConcept: { coding: [{ system: CIP13_SYSTEM, code: line.cip13 }], text: line.label },
          subject: { reference: 'urn:uuid:8d2f0a52-8b0e-4e77-9d3c-000000000001' },
          requester: { reference: 'urn:uuid:8d2f0a52-8b0e-4e77-9d3c-000000000002' },
          dosageInstruction: [
            {
              text: line.dosage,
              timing: { repeat: { boundsDuration: { value: line.durationDays, unit: 'jours', system: UCUM, code: 'd' } } },
            },
          ],
          dispenseRequest: { numberOfRepeatsAllowed: line.renewals, quantity: { value: line.quantity, unit: line.unit } },
          substitution: { allowedBoolean: true },
        },
        request: { method: 'POST', url: 'MedicationRequest' },
      },
    ],
  };
}

const INS_MARK = `"system":"${INS_SYSTEM}","value":"`;

/** The body for request n, only its INS changed (as bench/prescribing/fixtures.ts's bodyFactory does for the JSON API). */
export function fhirBodyFactory(): (n: number) => string {
  const template = JSON.stringify(fhirTransaction(0));
  const at = template.indexOf(INS_MARK) + INS_MARK.length;
  const head = template.slice(0, at);
  const tail = template.slice(at + 15);
  return (n) => `${head}${patientIns(n)}${tail}`;
}
