import { PRESCRIPTION_STATUSES, PrescriptionStatus } from '@ordo/contracts';
import type { PrescriptionId } from '@ordo/rx-id';
import { FhirAnswer } from './fhir-answer';
import type { MedicationRequest, Patient, Practitioner } from './fhir-r4';
import { CIP13_SYSTEM, CIS_SYSTEM, IDNPS_SYSTEM, INS_NIR_SYSTEM, PRESCRIPTION_ID_SYSTEM, RPPS_SYSTEM } from './fhir-systems';
import { PrescriptionRecord, medicationRequest, medicationRequestStatus, prescriptionStatusesFor } from './medication-request';
import { nameBasedUuid, prescriptionBundle, searchsetBundle } from './prescription-bundle';

const BASE = 'https://ordo.test/fhir';

function prescription(overrides: Partial<PrescriptionRecord> = {}): PrescriptionRecord {
  return {
    id: 'VFQEXDE5Z7ZXB6D741' as PrescriptionId,
    prescriberRpps: '10000000009',
    prescriber: {
      name: 'Dr Claire Dubois',
      specialty: 'Médecine générale',
      address: { lines: ['12 rue des Lilas'], postalCode: '75011', city: 'Paris' },
      phone: '01 43 00 00 00',
    },
    patient: { ins: '284037512345678', firstName: 'Camille', lastName: 'Martin', birthDate: '1984-03-17', sex: 'F' },
    lines: [
      {
        lineNo: 1,
        cis: '60234100',
        cip13: '3400935955838',
        label: 'DOLIPRANE 1000 mg, comprimé',
        dosage: '1 comprimé jusqu’à 3 fois par jour',
        quantity: 24,
        unit: 'comprimé',
        durationDays: 8,
        renewals: 2,
        substitutable: true,
      },
      {
        lineNo: 2,
        cis: '64331947',
        label: 'SKENAN L.P. 10 mg',
        dosage: '1 gélule matin & soir <si douleur>',
        quantity: 28,
        unit: 'gélule',
        durationDays: 14,
        renewals: 0,
        substitutable: false,
        fractionDays: 7,
      },
    ],
    secure: true,
    status: 'ISSUED',
    issuedAt: new Date('2026-03-01T09:30:00.000Z'),
    validUntil: new Date('2026-06-01T09:30:00.000Z'),
    cancelledAt: null,
    cancelReason: null,
    updatedAt: new Date('2026-03-02T10:00:00.000Z'),
    ...overrides,
  };
}

describe('a prescription line as a MedicationRequest', () => {
  const issued = prescription();
  const [doliprane, skenan] = issued.lines;

  it('is named by the prescription ID and line number, and grouped by the prescription ID', () => {
    const request = medicationRequest(issued, doliprane);
    expect(request.id).toBe('VFQEXDE5Z7ZXB6D741-1');
    expect(request.groupIdentifier).toEqual({ system: PRESCRIPTION_ID_SYSTEM, value: 'VFQEXDE5Z7ZXB6D741' });
    expect(request.intent).toBe('order');
    expect(request.authoredOn).toBe('2026-03-01T09:30:00.000Z');
    expect(request.meta).toEqual({ lastUpdated: '2026-03-02T10:00:00.000Z' });
  });

  it('codes the medicine by its CIP13 and its CIS, with the label as text', () => {
    expect(medicationRequest(issued, doliprane).medicationCodeableConcept).toEqual({
      coding: [
        { system: CIP13_SYSTEM, code: '3400935955838' },
        { system: CIS_SYSTEM, code: '60234100' },
      ],
      text: 'DOLIPRANE 1000 mg, comprimé',
    });
    expect(medicationRequest(issued, skenan).medicationCodeableConcept.coding).toEqual([{ system: CIS_SYSTEM, code: '64331947' }]);
  });

  it('names the patient by INS and the prescriber by IDNPS (8 + RPPS)', () => {
    const request = medicationRequest(issued, doliprane);
    expect(request.subject).toEqual({ identifier: { system: INS_NIR_SYSTEM, value: '284037512345678' }, display: 'Camille Martin' });
    expect(request.requester).toEqual({ identifier: { system: IDNPS_SYSTEM, value: '810000000009' }, display: 'Dr Claire Dubois' });
  });

  it('gives the dosage as written, the duration, the quantity, the renewals and the validity', () => {
    const request = medicationRequest(issued, doliprane);
    expect(request.dosageInstruction).toEqual([
      {
        sequence: 1,
        text: '1 comprimé jusqu’à 3 fois par jour',
        timing: { repeat: { boundsDuration: { value: 8, unit: 'jours', system: 'http://unitsofmeasure.org', code: 'd' } } },
      },
    ]);
    expect(request.dispenseRequest).toEqual({
      validityPeriod: { start: '2026-03-01T09:30:00.000Z', end: '2026-06-01T09:30:00.000Z' },
      numberOfRepeatsAllowed: 2,
      quantity: { value: 24, unit: 'comprimé' },
    });
    expect(request.substitution).toEqual({ allowedBoolean: true });
  });

  it('says "non substituable" and gives a narcotic’s fraction as the supply of one dispensing', () => {
    const request = medicationRequest(issued, skenan);
    expect(request.substitution).toEqual({ allowedBoolean: false });
    expect(request.dispenseRequest.numberOfRepeatsAllowed).toBe(0);
    expect(request.dispenseRequest.expectedSupplyDuration).toEqual({
      value: 7,
      unit: 'jours',
      system: 'http://unitsofmeasure.org',
      code: 'd',
    });
  });

  it('reads as the ordonnance does in its narrative, escaped for XHTML', () => {
    const { text } = medicationRequest(issued, skenan);
    expect(text?.status).toBe('generated');
    expect(text?.div).toBe(
      '<div xmlns="http://www.w3.org/1999/xhtml"><p>Ordonnance VFQEXDE5Z7ZXB6D741, ligne 2 : SKENAN L.P. 10 mg</p>' +
        '<p>1 gélule matin &amp; soir &lt;si douleur&gt;</p>' +
        '<p>28 gélule, pendant 14 jours, non renouvelable, délivrance fractionnée par 7 jours, non substituable</p></div>',
    );
  });

  it.each<[PrescriptionStatus, MedicationRequest['status']]>([
    ['ISSUED', 'active'],
    ['CLAIMED', 'active'],
    ['PARTIALLY_DISPENSED', 'active'],
    ['ON_HOLD', 'on-hold'],
    ['DISPENSED', 'completed'],
    ['CANCELLED', 'cancelled'],
    ['EXPIRED', 'stopped'],
  ])('maps %s to %s', (status, expected) => {
    expect(medicationRequestStatus(status)).toBe(expected);
    expect(medicationRequest(prescription({ status }), doliprane).status).toBe(expected);
  });

  it('maps every status Ordo has, and back', () => {
    for (const status of PRESCRIPTION_STATUSES) expect(prescriptionStatusesFor(medicationRequestStatus(status))).toContain(status);
    expect(prescriptionStatusesFor('active').sort()).toEqual(['CLAIMED', 'ISSUED', 'PARTIALLY_DISPENSED']);
    expect(prescriptionStatusesFor('draft')).toEqual([]);
  });

  it('gives why a prescription ended: the cancel reason, or the end of its validity', () => {
    expect(medicationRequest(prescription({ status: 'CANCELLED', cancelReason: 'erreur de posologie' }), doliprane).statusReason).toEqual({
      text: 'erreur de posologie',
    });
    expect(medicationRequest(prescription({ status: 'EXPIRED' }), doliprane).statusReason?.text).toMatch(/validity/);
    expect(medicationRequest(issued, doliprane)).not.toHaveProperty('statusReason');
  });
});

describe('the prescription as a Bundle', () => {
  const now = new Date('2026-03-03T08:00:00.000Z');
  const bundle = prescriptionBundle(prescription(), BASE, now);

  it('is a collection named by the prescription ID', () => {
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      id: 'VFQEXDE5Z7ZXB6D741' as PrescriptionId,
      identifier: { system: PRESCRIPTION_ID_SYSTEM, value: 'VFQEXDE5Z7ZXB6D741' },
      type: 'collection',
      timestamp: '2026-03-03T08:00:00.000Z',
    });
    expect(bundle.entry!.map((entry) => entry.resource!.resourceType)).toEqual([
      'Patient',
      'Practitioner',
      'MedicationRequest',
      'MedicationRequest',
    ]);
  });

  it('links each line to the patient and prescriber entries, and each line to where it can be read alone', () => {
    const [patient, practitioner, ...lines] = bundle.entry!;
    expect(patient.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const line of lines) {
      const request = line.resource as MedicationRequest;
      expect(line.fullUrl).toBe(`${BASE}/MedicationRequest/${request.id}`);
      expect(request.subject.reference).toBe(patient.fullUrl);
      expect(request.requester.reference).toBe(practitioner.fullUrl);
    }
  });

  it('names the patient and prescriber entries the same on every read, and differently for another prescription', () => {
    const again = prescriptionBundle(prescription(), BASE, new Date());
    const other = prescriptionBundle(prescription({ id: 'XC2B7K8H3JQ9D4TZ27' as PrescriptionId }), BASE, new Date());
    expect(again.entry!.slice(0, 2).map((entry) => entry.fullUrl)).toEqual(bundle.entry!.slice(0, 2).map((entry) => entry.fullUrl));
    expect(other.entry![0].fullUrl).not.toBe(bundle.entry![0].fullUrl);
  });

  it('makes version 5 UUIDs as RFC 9562 does (the URL namespace)', () => {
    // Python's uuid.uuid5(uuid.NAMESPACE_URL, 'http://python.org/')
    expect(nameBasedUuid('http://python.org/')).toBe('4c565f0d-3f5a-5890-b41b-20cf47701c5e');
  });

  it('identifies the patient by INS and the prescriber by IDNPS and RPPS', () => {
    const patient = bundle.entry![0].resource as Patient;
    expect(patient).toMatchObject({
      identifier: [{ system: INS_NIR_SYSTEM, value: '284037512345678', use: 'official' }],
      name: [{ family: 'Martin', given: ['Camille'] }],
      gender: 'female',
      birthDate: '1984-03-17',
    });
    const practitioner = bundle.entry![1].resource as Practitioner;
    expect(practitioner.identifier.map(({ system, value }) => ({ system, value }))).toEqual([
      { system: IDNPS_SYSTEM, value: '810000000009' },
      { system: RPPS_SYSTEM, value: '10000000009' },
    ]);
    expect(practitioner).toMatchObject({
      name: [{ text: 'Dr Claire Dubois' }],
      telecom: [{ system: 'phone', value: '01 43 00 00 00' }],
      address: [{ line: ['12 rue des Lilas'], postalCode: '75011', city: 'Paris', country: 'FR' }],
    });
  });
});

describe('a page of search results', () => {
  it('is a searchset of matches, with its own link and the next one', () => {
    const issued = prescription();
    const bundle = searchsetBundle(
      [{ prescription: issued, line: issued.lines[1] }],
      { baseUrl: BASE, self: `${BASE}/MedicationRequest?_count=1`, next: `${BASE}/MedicationRequest?_count=1&cursor=abc` },
      new Date(),
    );
    expect(bundle.type).toBe('searchset');
    expect(bundle.link).toEqual([
      { relation: 'self', url: `${BASE}/MedicationRequest?_count=1` },
      { relation: 'next', url: `${BASE}/MedicationRequest?_count=1&cursor=abc` },
    ]);
    expect(bundle.entry!).toEqual([
      {
        fullUrl: `${BASE}/MedicationRequest/VFQEXDE5Z7ZXB6D741-2`,
        resource: medicationRequest(issued, issued.lines[1]),
        search: { mode: 'match' },
      },
    ]);
  });
});

describe('a FHIR answer', () => {
  const issued = prescription();
  const resource = medicationRequest(issued, issued.lines[0]);

  it('sends the resource alone', () => {
    expect(JSON.parse(JSON.stringify(FhirAnswer.showing(resource, issued.id)))).toEqual(JSON.parse(JSON.stringify(resource)));
  });

  it('tells the access log which prescriptions it shows, each once', () => {
    expect(FhirAnswer.showing(resource, issued.id).id).toBe('VFQEXDE5Z7ZXB6D741');
    expect(FhirAnswer.listing(resource, [issued.id, issued.id, 'XC2B7K8H3JQ9D4TZ27']).items).toEqual([
      { id: 'VFQEXDE5Z7ZXB6D741' },
      { id: 'XC2B7K8H3JQ9D4TZ27' },
    ]);
  });
});
