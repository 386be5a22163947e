import { CIP13_SYSTEM, CIS_SYSTEM, IDNPS_SYSTEM, INS_NIR_SYSTEM, PRESCRIPTION_FORM_SYSTEM, RPPS_SYSTEM, UCUM_SYSTEM } from './fhir-systems';
import { fhirField, readTransaction } from './transaction-bundle';

const RPPS = '10000000009';
const INS = '284037512345640';

function line(overrides: Record<string, unknown> = {}) {
  return {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: {
      coding: [
        { system: CIP13_SYSTEM, code: '3400935955838' },
        { system: CIS_SYSTEM, code: '60234100' },
      ],
      text: 'DOLIPRANE 1000 mg, comprimé',
    },
    subject: { reference: 'urn:uuid:patient' },
    requester: { reference: 'urn:uuid:prescriber' },
    dosageInstruction: [
      { text: '1 comprimé 3 fois par jour', timing: { repeat: { boundsDuration: { value: 8, system: UCUM_SYSTEM, code: 'd' } } } },
    ],
    dispenseRequest: { numberOfRepeatsAllowed: 2, quantity: { value: 24, unit: 'comprimé' } },
    substitution: { allowedBoolean: false },
    ...overrides,
  };
}

function bundle(lines: object[] = [line()], practitioner: Record<string, unknown> = {}) {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: 'urn:uuid:patient',
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: INS_NIR_SYSTEM, value: INS }],
          name: [
            { use: 'usual', family: 'Dupont', given: ['Cam'] },
            { use: 'official', family: 'Martin', given: ['Camille', 'Anne'] },
          ],
          gender: 'female',
          birthDate: '1984-03-17',
        },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        fullUrl: 'urn:uuid:prescriber',
        resource: {
          resourceType: 'Practitioner',
          name: [{ text: 'Dr Claire Dubois' }],
          address: [{ line: ['12 rue des Lilas'], postalCode: '75011', city: 'Paris' }],
          telecom: [
            { system: 'email', value: 'x@example.org' },
            { system: 'phone', value: '01 43 00 00 00' },
          ],
          ...practitioner,
        },
        request: { method: 'POST', url: 'Practitioner' },
      },
      ...lines.map((resource) => ({ resource, request: { method: 'POST', url: 'MedicationRequest' } })),
    ],
  };
}

describe('reading a transaction Bundle as a prescription', () => {
  it('reads the Patient, the Practitioner and each line into the JSON API’s request, lines in order', () => {
    const read = readTransaction(
      bundle([line(), line({ substitution: undefined, dispenseRequest: { quantity: { value: 1, unit: 'boîte' } } })]),
      RPPS,
    );
    expect(read).toEqual({
      ok: true,
      entries: [
        { resourceType: 'Patient' },
        { resourceType: 'Practitioner' },
        { resourceType: 'MedicationRequest', lineNo: 1 },
        { resourceType: 'MedicationRequest', lineNo: 2 },
      ],
      request: {
        patient: { ins: INS, firstName: 'Camille', lastName: 'Martin', birthDate: '1984-03-17', sex: 'F' },
        prescriber: {
          name: 'Dr Claire Dubois',
          address: { lines: ['12 rue des Lilas'], postalCode: '75011', city: 'Paris' },
          phone: '01 43 00 00 00',
        },
        lines: [
          {
            cip13: '3400935955838',
            cis: '60234100',
            label: 'DOLIPRANE 1000 mg, comprimé',
            dosage: '1 comprimé 3 fois par jour',
            quantity: 24,
            unit: 'comprimé',
            durationDays: 8,
            renewals: 2,
            substitutable: false,
          },
          expect.objectContaining({ quantity: 1, unit: 'boîte', renewals: 0 }),
        ],
      },
    });
  });

  it('reads the secure form from the category every line carries', () => {
    const secure = { coding: [{ system: PRESCRIPTION_FORM_SYSTEM, code: 'secure' }] };
    const read = readTransaction(bundle([line({ category: [secure] })]), RPPS);
    expect(read.ok && read.request.secure).toBe(true);
    const mixed = readTransaction(bundle([line({ category: [secure] }), line()]), RPPS);
    expect(mixed.ok ? [] : mixed.errors.map((error) => error.rule)).toEqual(['sameForm']);
  });

  it('refuses what it would not keep, naming each element where the client wrote it', () => {
    const read = readTransaction(
      bundle([
        line({
          note: [{ text: 'à jeun' }],
          dosageInstruction: [
            { text: 'x', doseAndRate: [{}], timing: { repeat: { boundsDuration: { value: 8, system: UCUM_SYSTEM, code: 'd' } } } },
          ],
        }),
      ]),
      RPPS,
    );
    expect(read.ok ? [] : read.errors.map((error) => `${error.field}: ${error.rule}`)).toEqual([
      'Bundle.entry[2].resource.dosageInstruction[0].doseAndRate: whitelistValidation',
      'Bundle.entry[2].resource.note: whitelistValidation',
    ]);
  });

  it('refuses an element given as an array where R4 has one, and as one where R4 repeats it', () => {
    const read = readTransaction(bundle([line({ substitution: [], dosageInstruction: { text: 'x' } })]), RPPS);
    expect(read.ok ? [] : read.errors.map((error) => `${error.field}: ${error.rule}`)).toEqual([
      'Bundle.entry[2].resource.dosageInstruction: isArray',
      'Bundle.entry[2].resource.substitution: isObject',
    ]);
  });

  it('refuses a Practitioner other than the caller, and lines that do not point at the Bundle’s Patient and Practitioner', () => {
    const someoneElse = readTransaction(bundle([line()], { identifier: [{ system: IDNPS_SYSTEM, value: '810000000017' }] }), RPPS);
    expect(someoneElse.ok ? [] : someoneElse.errors.map((error) => error.rule)).toEqual(['isCaller']);
    const caller = readTransaction(bundle([line()], { identifier: [{ system: RPPS_SYSTEM, value: RPPS }] }), RPPS);
    expect(caller.ok).toBe(true);
    const elsewhere = readTransaction(
      bundle([line({ subject: { reference: 'Patient/123' }, requester: { identifier: { system: IDNPS_SYSTEM, value: `8${RPPS}` } } })]),
      RPPS,
    );
    expect(elsewhere.ok ? [] : elsewhere.errors.map((error) => `${error.field}: ${error.rule}`)).toEqual([
      'Bundle.entry[2].resource.subject: isBundlePatient',
    ]);
  });

  it('refuses what is not one transaction of one prescription', () => {
    const rules = (body: Record<string, unknown>) => {
      const read = readTransaction(body, RPPS);
      return read.ok ? [] : read.errors.map((error) => error.rule);
    };
    expect(rules({ ...bundle(), type: 'batch' })).toEqual(['isTransaction']);
    expect(rules({ resourceType: 'Bundle', type: 'transaction', entry: bundle().entry.slice(1) })).toEqual(['onePatient']);
    expect(rules(bundle([line({ groupIdentifier: { value: 'a' } }), line({ groupIdentifier: { value: 'b' } })]))).toEqual(['oneGroup']);
    expect(rules(bundle([line({ status: 'draft', intent: 'plan' })]))).toEqual(['isActive', 'isOrder']);
  });

  it('names a field the JSON API’s pipe refused by its place in the Bundle', () => {
    const entryOf = (what: 'patient' | 'prescriber' | number) => (what === 'patient' ? 0 : what === 'prescriber' ? 1 : what + 2);
    expect(fhirField('lines.1.quantity', entryOf)).toBe('Bundle.entry[3].resource.dispenseRequest.quantity.value');
    expect(fhirField('patient.birthDate', entryOf)).toBe('Bundle.entry[0].resource.birthDate');
    expect(fhirField('prescriber.address.postalCode', entryOf)).toBe('Bundle.entry[1].resource.address.postalCode');
    expect(fhirField('lines', entryOf)).toBe('Bundle.entry');
  });
});
