import { describeFindings, validateFhir } from '../../tools/fhir/validator';
import { PRESCRIBER_BLOCK, freshPatientIns, rpps } from '../support/fixtures';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { pdfText } from '../printing/poppler';

/**
 * Writing through FHIR (docs/fhir.md#writing): a transaction Bundle POSTed to /fhir on prescribing
 * is issued by the JSON API's use case: it reads back as what was posted, prints the same lines,
 * is refused under the same French rules with the same codes (storing nothing), and is idempotent
 * under the same Idempotency-Key. Every resource served is checked by HAPI FHIR's validator.
 */

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const INS_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
const IDNPS_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
const CIP13_SYSTEM = 'http://data.esante.gouv.fr/ansm/medicament/Presentation';
const CIS_SYSTEM = 'http://data.esante.gouv.fr/ansm/medicament/SpecialitePharmaceutique';
const UCUM = 'http://unitsofmeasure.org';
const FR_CORE_TYPES = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203';
const COMMUNITY = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category', code: 'community' }] };
const SECURE = { coding: [{ system: 'https://ordo.example/prescription-form', code: 'secure' }] };

interface Line {
  codings: { system: string; code: string }[];
  text: string;
  dosage: string;
  quantity: number;
  unit: string;
  durationDays: number;
  renewals: number;
  substitutable: boolean;
  fractionDays?: number;
}

const DOLIPRANE: Line = {
  codings: [
    { system: CIP13_SYSTEM, code: '3400935955838' },
    { system: CIS_SYSTEM, code: '60234100' },
  ],
  text: 'DOLIPRANE 1000 mg, comprimé',
  dosage: '1 comprimé jusqu’à 3 fois par jour',
  quantity: 24,
  unit: 'comprimé',
  durationDays: 8,
  renewals: 2,
  substitutable: true,
};
const AMOXICILLINE: Line = {
  codings: [{ system: CIS_SYSTEM, code: '60151544' }],
  text: 'AMOXICILLINE 1 g, comprimé',
  dosage: '1 g matin et soir',
  quantity: 12,
  unit: 'comprimé',
  durationDays: 6,
  renewals: 0,
  substitutable: false,
};
/** Morphine (stupéfiant): at most 28 days, on a secure prescription. */
const SKENAN: Line = {
  codings: [{ system: CIP13_SYSTEM, code: '3400933323523' }],
  text: 'SKENAN L.P. 10 mg',
  dosage: '1 gélule matin et soir',
  quantity: 60,
  unit: 'gélule',
  durationDays: 30,
  renewals: 0,
  substitutable: true,
};

const days = (value: number) => ({ value, unit: value > 1 ? 'jours' : 'jour', system: UCUM, code: 'd' });

/** What a GP's software would POST: the prescription as FHIR, every element Ordo reads. */
function transaction(prescriberRpps: string, ins: string, lines: Line[], options: { secure?: boolean } = {}) {
  const patient = 'urn:uuid:0b6e3f3c-5d4f-4a57-9a44-3b1c1b2f7a01';
  const practitioner = 'urn:uuid:0b6e3f3c-5d4f-4a57-9a44-3b1c1b2f7a02';
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: patient,
        resource: {
          resourceType: 'Patient',
          identifier: [{ use: 'official', type: { coding: [{ system: FR_CORE_TYPES, code: 'INS-NIR' }] }, system: INS_SYSTEM, value: ins }],
          name: [{ use: 'official', family: 'Petit', given: ['Jeanne'] }],
          gender: 'female',
          birthDate: '1961-11-23',
        },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        fullUrl: practitioner,
        resource: {
          resourceType: 'Practitioner',
          identifier: [
            {
              use: 'official',
              type: { coding: [{ system: FR_CORE_TYPES, code: 'IDNPS' }] },
              system: IDNPS_SYSTEM,
              value: `8${prescriberRpps}`,
            },
            {
              use: 'official',
              type: { coding: [{ system: FR_CORE_TYPES, code: 'RPPS' }] },
              system: 'https://rpps.esante.gouv.fr',
              value: prescriberRpps,
            },
          ],
          name: [{ use: 'usual', text: PRESCRIBER_BLOCK.name }],
          qualification: [{ code: { text: PRESCRIBER_BLOCK.specialty } }],
          telecom: [{ system: 'phone', value: PRESCRIBER_BLOCK.phone, use: 'work' }],
          address: [
            {
              use: 'work',
              line: PRESCRIBER_BLOCK.address.lines,
              city: PRESCRIBER_BLOCK.address.city,
              postalCode: PRESCRIBER_BLOCK.address.postalCode,
              country: 'FR',
            },
          ],
        },
        request: { method: 'POST', url: 'Practitioner' },
      },
      ...lines.map((line) => ({
        fullUrl: `urn:uuid:${crypto.randomUUID()}`,
        resource: {
          resourceType: 'MedicationRequest',
          status: 'active',
          intent: 'order',
          category: [COMMUNITY, ...(options.secure ? [SECURE] : [])],
          medicationCodeableConcept: { coding: line.codings, text: line.text },
          subject: { reference: patient, identifier: { system: INS_SYSTEM, value: ins }, display: 'Jeanne Petit' },
          requester: {
            reference: practitioner,
            identifier: { system: IDNPS_SYSTEM, value: `8${prescriberRpps}` },
            display: PRESCRIBER_BLOCK.name,
          },
          dosageInstruction: [{ sequence: 1, text: line.dosage, timing: { repeat: { boundsDuration: days(line.durationDays) } } }],
          dispenseRequest: {
            numberOfRepeatsAllowed: line.renewals,
            quantity: { value: line.quantity, unit: line.unit },
            ...(line.fractionDays ? { expectedSupplyDuration: days(line.fractionDays) } : {}),
          },
          substitution: { allowedBoolean: line.substitutable },
        },
        request: { method: 'POST', url: 'MedicationRequest' },
      })),
    ],
  };
}

/** What the server assigns, left out of the comparison: ids, times, narrative, its own references. */
function asPosted(resource: any): any {
  const { id: _id, meta: _meta, text: _text, authoredOn: _authoredOn, groupIdentifier: _group, ...rest } = resource;
  if (rest.resourceType !== 'MedicationRequest') return rest;
  const { validityPeriod: _validity, ...dispenseRequest } = rest.dispenseRequest;
  const { reference: _subject, ...subject } = rest.subject;
  const { reference: _requester, ...requester } = rest.requester;
  return { ...rest, subject, requester, dispenseRequest };
}

describe('FHIR write API (prescribing): a transaction Bundle issues a prescription', () => {
  let system: OrdoSystem;
  let prescriber: string;
  const prescriberRpps = rpps('1000002420');
  const served: { what: string; resource: object }[] = [];

  async function post(body: unknown, headers: Record<string, string> = {}, token = prescriber) {
    const response = await fetch(`${system.url('prescribing')}/fhir`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  async function read(path: string): Promise<any> {
    const response = await fetch(`${system.url('prescribing')}${path}`, { headers: { authorization: `Bearer ${prescriber}` } });
    expect(response.status).toBe(200);
    return path.endsWith('/pdf') ? Buffer.from(await response.arrayBuffer()) : response.json();
  }

  async function counts() {
    const db = await system.db('prescribing');
    const { rows } = await db.query(
      `SELECT (SELECT count(*)::int FROM prescription WHERE prescriber_rpps = $1) AS prescriptions, (SELECT count(*)::int FROM outbox) AS outbox`,
      [prescriberRpps],
    );
    return rows[0];
  }

  beforeAll(async () => {
    system = await OrdoSystem.start(24200, ['prescribing']);
    prescriber = await system.token({ role: 'prescriber', rpps: prescriberRpps });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('round trip: the posted Bundle becomes a prescription whose FHIR view is what was posted, and whose PDF prints the same lines', async () => {
    const posted = transaction(prescriberRpps, freshPatientIns(), [DOLIPRANE, AMOXICILLINE]);
    const answer = await post(posted);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(FHIR_JSON);
    served.push({ what: 'Bundle (transaction-response)', resource: answer.body });
    expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    expect(answer.body.entry.map((entry: any) => entry.response.status)).toEqual(['200 OK', '200 OK', '201 Created', '201 Created']);
    const prescriptionId = answer.body.entry[2].resource.groupIdentifier.value;
    expect(answer.body.entry.slice(2).map((entry: any) => entry.response.location)).toEqual([
      `MedicationRequest/${prescriptionId}-1`,
      `MedicationRequest/${prescriptionId}-2`,
    ]);

    // The prescription as FHIR reads it: every resource as posted, but for what the server assigns.
    const stored = await read(`/fhir/Bundle/${prescriptionId}`);
    served.push({ what: 'Bundle (collection: a prescription written through FHIR)', resource: stored });
    expect(stored.entry.map((entry: any) => asPosted(entry.resource))).toEqual(posted.entry.map((entry) => asPosted(entry.resource)));
    expect(answer.body.entry.map((entry: any) => asPosted(entry.resource))).toEqual(posted.entry.map((entry) => asPosted(entry.resource)));
    for (const line of stored.entry.slice(2)) {
      expect(line.resource).toMatchObject({ status: 'active', groupIdentifier: { value: prescriptionId } });
      expect(line.resource.authoredOn).toBe(line.resource.dispenseRequest.validityPeriod.start);
    }

    // The JSON API shows the same prescription, and the ordonnance prints the same lines, in order.
    const json = await read(`/v1/prescriptions/${prescriptionId}`);
    expect(json.lines.map((line: any) => [line.cip13, line.cis, line.label, line.quantity, line.renewals, line.substitutable])).toEqual([
      ['3400935955838', '60234100', DOLIPRANE.text, 24, 2, true],
      [undefined, '60151544', AMOXICILLINE.text, 12, 0, false],
    ]);
    const text = (await pdfText(await read(`/v1/prescriptions/${prescriptionId}/pdf`))).replace(/\s+/g, ' ');
    let from = 0;
    for (const line of [DOLIPRANE, AMOXICILLINE]) {
      const at = text.indexOf(line.text, from);
      expect(at).toBeGreaterThanOrEqual(from);
      const printed = text.slice(at, at + 400);
      expect(printed).toContain(line.dosage);
      expect(printed).toContain(`Quantité : ${line.quantity}`);
      expect(printed).toContain(`pendant ${line.durationDays} jours`);
      expect(printed).toContain(line.renewals > 0 ? `À renouveler ${line.renewals} fois` : 'Non renouvelable');
      from = at + line.text.length;
    }
    expect(text).toContain('Jeanne');
    expect(text).toContain(PRESCRIBER_BLOCK.name);
  });

  it('a narcotic over 28 days: 422 OperationOutcome NARCOTIC_OVER_28_DAYS naming the line, nothing stored or sent', async () => {
    await eventually(async () => ((await counts()).outbox === 0 ? true : undefined), 10_000, 'an empty outbox');
    const before = await counts();
    const refused = await post(transaction(prescriberRpps, freshPatientIns(), [SKENAN], { secure: true }), {
      'idempotency-key': 'fhir-narcotic-1',
    });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toBe(FHIR_JSON);
    served.push({ what: 'OperationOutcome 422 (NARCOTIC_OVER_28_DAYS)', resource: refused.body });
    expect(refused.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'business-rule',
          details: { coding: [{ system: 'https://ordo.example/error-code', code: 'NARCOTIC_OVER_28_DAYS' }] },
          diagnostics: 'line 1',
        },
      ],
    });
    // The JSON API refuses the same prescription with the same code.
    const json = await system.request('prescribing', 'POST', '/v1/prescriptions', {
      token: prescriber,
      body: {
        prescriber: PRESCRIBER_BLOCK,
        patient: { ins: freshPatientIns(), firstName: 'Jeanne', lastName: 'Petit', birthDate: '1961-11-23', sex: 'F' },
        secure: true,
        lines: [{ cip13: '3400933323523', dosage: SKENAN.dosage, quantity: 60, unit: 'gélule', durationDays: 30, renewals: 0 }],
      },
    });
    expect(json.body.code).toBe('NARCOTIC_OVER_28_DAYS');
    expect(await counts()).toEqual(before);

    // Written on an ordinary form, the same narcotic is refused for that as well.
    const ordinary = await post(transaction(prescriberRpps, freshPatientIns(), [{ ...SKENAN, durationDays: 28, quantity: 56 }]));
    expect(ordinary.status).toBe(422);
    expect(ordinary.body.issue.map((issue: any) => issue.details.coding[0].code)).toContain('SECURE_PRESCRIPTION_REQUIRED');
    // Within the rules, on a secure form, it is issued, and reads back as secure.
    const allowed = await post(
      transaction(prescriberRpps, freshPatientIns(), [{ ...SKENAN, durationDays: 28, quantity: 56, fractionDays: 14 }], { secure: true }),
    );
    expect(allowed.status).toBe(200);
    expect(allowed.body.entry[2].resource.category).toEqual([COMMUNITY, SECURE]);
    expect(allowed.body.entry[2].resource.dispenseRequest.expectedSupplyDuration).toEqual(days(14));
    served.push({ what: 'Bundle (transaction-response, secure narcotic)', resource: allowed.body });
  });

  it('is idempotent like the JSON API: a retry with the same Idempotency-Key gets the same prescription; the key with another Bundle is refused', async () => {
    const posted = transaction(prescriberRpps, freshPatientIns(), [DOLIPRANE]);
    const key = `fhir-retry-${Date.now()}`;
    const [first, second] = await Promise.all([post(posted, { 'idempotency-key': key }), post(posted, { 'idempotency-key': key })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const ids = [first, second].map((answer) => answer.body.entry[2].resource.groupIdentifier.value);
    expect(ids[0]).toBe(ids[1]);
    expect([first, second].map((answer) => answer.headers.get('idempotent-replayed')).sort()).toEqual(['true', null].sort());
    const db = await system.db('prescribing');
    expect((await db.query('SELECT count(*)::int AS n FROM prescription WHERE id = $1', [ids[0]])).rows[0].n).toBe(1);

    const other = await post(transaction(prescriberRpps, freshPatientIns(), [AMOXICILLINE]), { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.body.issue[0].details.coding[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    served.push({ what: 'OperationOutcome 422 (IDEMPOTENCY_KEY_REUSED)', resource: other.body });
  });

  it('refuses what cannot be read as one prescription, naming the place in the Bundle, storing nothing', async () => {
    const before = await counts();
    const ins = freshPatientIns();
    const notTransaction = await post({ ...transaction(prescriberRpps, ins, [DOLIPRANE]), type: 'collection' });
    expect(notTransaction.status).toBe(400);
    expect(notTransaction.body.issue[0].diagnostics).toBe('Bundle.type: isTransaction');

    const wrongQuantity = transaction(prescriberRpps, ins, [DOLIPRANE, AMOXICILLINE]);
    (wrongQuantity.entry[3].resource as any).dispenseRequest.quantity.value = 0;
    (wrongQuantity.entry[0].resource as any).birthDate = '2999-01-01';
    const refused = await post(wrongQuantity);
    expect(refused.status).toBe(400);
    served.push({ what: 'OperationOutcome 400 (fields of the JSON API, named in the Bundle)', resource: refused.body });
    expect(refused.body.issue.map((issue: any) => issue.diagnostics).sort()).toEqual([
      'Bundle.entry[0].resource.birthDate: isPastCalendarDate',
      'Bundle.entry[3].resource.dispenseRequest.quantity.value: min',
    ]);

    const someoneElse = await post(transaction(rpps('1000002421'), ins, [DOLIPRANE]));
    expect(someoneElse.status).toBe(400);
    expect(someoneElse.body.issue.map((issue: any) => issue.diagnostics)).toContain('Bundle.entry[1].resource.identifier: isCaller');

    const inWeeks = transaction(prescriberRpps, ins, [DOLIPRANE]);
    (inWeeks.entry[2].resource as any).dosageInstruction[0].timing.repeat.boundsDuration = { value: 1, system: UCUM, code: 'wk' };
    const weeks = await post(inWeeks);
    expect(weeks.status).toBe(400);
    expect(weeks.body.issue.map((issue: any) => issue.diagnostics)).toEqual([
      'Bundle.entry[2].resource.dosageInstruction.timing.repeat.boundsDuration: isDays',
    ]);
    // An element Ordo would not keep is refused, not dropped: the client would believe it written.
    const withReason = transaction(prescriberRpps, ins, [DOLIPRANE]);
    (withReason.entry[2].resource as any).reasonCode = [{ text: 'fièvre' }];
    const unread = await post(withReason);
    expect(unread.status).toBe(400);
    expect(unread.body.issue.map((issue: any) => issue.diagnostics)).toEqual(['Bundle.entry[2].resource.reasonCode: whitelistValidation']);

    // Refused before the handler: a body that is no JSON, under the FHIR media type.
    const response = await fetch(`${system.url('prescribing')}/fhir`, {
      method: 'POST',
      headers: { authorization: `Bearer ${prescriber}`, 'content-type': 'application/fhir+json' },
      body: '{"resourceType":',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(FHIR_JSON);
    const malformed = (await response.json()) as any;
    expect(malformed.resourceType).toBe('OperationOutcome');
    served.push({ what: 'OperationOutcome 400 (malformed JSON)', resource: malformed });
    expect(await counts()).toEqual(before);
  });

  it('serves only what HAPI FHIR’s R4 validator finds no error in, the posted Bundles included', async () => {
    const posted = transaction(
      prescriberRpps,
      freshPatientIns(),
      [DOLIPRANE, { ...SKENAN, durationDays: 28, quantity: 56, fractionDays: 14 }],
      { secure: true },
    );
    const all = [{ what: 'Bundle (transaction, as posted)', resource: posted }, ...served];
    const validations = await validateFhir(all.map(({ resource }) => resource));
    const report = validations.map((validation, index) =>
      [
        `  ${all[index].what}: ${validation.errors.length} errors, ${validation.warnings.length} warnings`,
        ...describeFindings([validation], 'warnings').map((line) => `      warning ${line}`),
      ].join('\n'),
    );
    const warnings = validations.reduce((sum, validation) => sum + validation.warnings.length, 0);
    process.stdout.write(
      `HAPI FHIR R4 validation of ${all.length} resources written or served: ${warnings} warnings\n${report.join('\n')}\n`,
    );
    expect(describeFindings(validations, 'errors')).toEqual([]);
  }, 900_000);
});
