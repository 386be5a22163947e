import { describeFindings, validateFhir } from '../../tools/fhir/validator';
import { finess, freshPatientIns, prescriptionRequest, rpps } from '../support/fixtures';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { claim, dispense } from '../support/pharmacy';

/**
 * The read-only FHIR R4 API of prescribing (docs/fhir.md): prescriptions issued through the JSON
 * API read back as MedicationRequests, searchsets and prescription Bundles, errors as
 * OperationOutcomes with the JSON API's codes; and every resource it served, checked by HAPI
 * FHIR's validator against the R4 specification.
 */

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const INS_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
const PRESCRIPTION_ID_SYSTEM = 'https://ordo.example/prescription-id';

interface FhirResponse {
  status: number;
  contentType: string | null;
  body: any;
}

describe('FHIR read API (prescribing)', () => {
  let system: OrdoSystem;
  let prescriber: string;
  let colleague: string;
  let pharmacist: string;
  const prescriberRpps = rpps('1000002400');
  const ins = freshPatientIns();
  const patient = { ins, firstName: 'Camille', lastName: 'Martin', birthDate: '1984-03-17', sex: 'F' };
  /** Every resource the API served in this file, for the validator at the end. */
  const served: { what: string; resource: object }[] = [];

  let twoLines: any;
  let cancelled: any;
  let dispensed: any;

  async function fhir(path: string, token?: string, method = 'GET'): Promise<FhirResponse> {
    const url = path.startsWith('http') ? path : `${system.url('prescribing')}/fhir${path}`;
    const response = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  }

  async function served200(what: string, path: string, token?: string): Promise<any> {
    const response = await fhir(path, token);
    expect(response.status).toBe(200);
    expect(response.contentType).toBe(FHIR_JSON);
    served.push({ what, resource: response.body });
    return response.body;
  }

  async function issue(body: unknown): Promise<any> {
    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: prescriber, body });
    expect(issued.status).toBe(201);
    return issued.body;
  }

  beforeAll(async () => {
    system = await OrdoSystem.start(24000, ['prescribing', 'dispensing'], { FRAUD_CHECK_TIMEOUT_MS: '50' });
    prescriber = await system.token({ role: 'prescriber', rpps: prescriberRpps });
    colleague = await system.token({ role: 'prescriber', rpps: rpps('1000002401') });
    pharmacist = await system.token({ role: 'pharmacist', finess: finess('75002400'), rpps: rpps('2000002400') });

    twoLines = await issue(
      prescriptionRequest({
        patient,
        lines: [
          { ...prescriptionRequest().lines[0], renewals: 2 },
          {
            cis: '60151544',
            dosage: '1 g matin et soir',
            quantity: 12,
            unit: 'comprimé',
            durationDays: 6,
            renewals: 0,
            substitutable: false,
          },
        ],
      }),
    );
    cancelled = await issue(prescriptionRequest({ patient }));
    const cancel = await system.request('prescribing', 'POST', `/v1/prescriptions/${cancelled.id}/cancel`, {
      token: prescriber,
      body: { reason: 'posologie à revoir' },
    });
    expect(cancel.status).toBe(200);
    dispensed = await issue(prescriptionRequest({ patient }));
    await eventually(async () => {
      const known = await system.request('dispensing', 'GET', `/v1/prescriptions/${dispensed.id}`, { token: pharmacist });
      return known.status === 200 ? true : undefined;
    });
    const claimed = await claim(system, pharmacist, { typedId: dispensed.id });
    expect(claimed.status).toBe(201);
    expect((await dispense(system, pharmacist, claimed.body)).status).toBe(201);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('describes itself at /fhir/metadata, without a token', async () => {
    const statement = await served200('CapabilityStatement', '/metadata');
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      kind: 'instance',
      format: ['application/fhir+json'],
    });
    expect(statement.rest[0].resource.map((resource: any) => resource.type)).toEqual(['MedicationRequest', 'Bundle']);
    // It is described there, not in the OpenAPI document the JSON API's tests generate requests from.
    const openApi = await system.request('prescribing', 'GET', '/docs-json');
    expect(Object.keys(openApi.body.paths).filter((path) => path.startsWith('/fhir'))).toEqual([]);
  });

  it('reads each line of a prescription as a MedicationRequest carrying what the JSON API says', async () => {
    const [doliprane, amoxicilline] = twoLines.lines;
    const first = await served200('MedicationRequest (active, CIP13 and CIS)', `/MedicationRequest/${twoLines.id}-1`, prescriber);
    expect(first).toMatchObject({
      resourceType: 'MedicationRequest',
      id: `${twoLines.id}-1`,
      status: 'active',
      intent: 'order',
      groupIdentifier: { system: PRESCRIPTION_ID_SYSTEM, value: twoLines.id },
      medicationCodeableConcept: {
        coding: [
          { system: 'http://data.esante.gouv.fr/ansm/medicament/Presentation', code: doliprane.cip13 },
          { system: 'http://data.esante.gouv.fr/ansm/medicament/SpecialitePharmaceutique', code: doliprane.cis },
        ],
        text: doliprane.label,
      },
      subject: { identifier: { system: INS_SYSTEM, value: ins }, display: 'Camille Martin' },
      requester: { identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: `8${prescriberRpps}` } },
      authoredOn: twoLines.issuedAt,
      dosageInstruction: [{ text: doliprane.dosage, timing: { repeat: { boundsDuration: { value: doliprane.durationDays, code: 'd' } } } }],
      dispenseRequest: {
        validityPeriod: { start: twoLines.issuedAt, end: twoLines.validUntil },
        numberOfRepeatsAllowed: 2,
        quantity: { value: doliprane.quantity, unit: doliprane.unit },
      },
      substitution: { allowedBoolean: true },
    });

    const second = await served200('MedicationRequest (CIS only, non substituable)', `/MedicationRequest/${twoLines.id}-2`, prescriber);
    expect(second.medicationCodeableConcept).toEqual({
      coding: [{ system: 'http://data.esante.gouv.fr/ansm/medicament/SpecialitePharmaceutique', code: '60151544' }],
      text: amoxicilline.label,
    });
    expect(second.substitution).toEqual({ allowedBoolean: false });
    expect(second.dispenseRequest.numberOfRepeatsAllowed).toBe(0);
  });

  it('follows the lifecycle: a cancelled prescription is cancelled, a dispensed one completed', async () => {
    const cancelledLine = await served200('MedicationRequest (cancelled)', `/MedicationRequest/${cancelled.id}-1`, prescriber);
    expect(cancelledLine).toMatchObject({ status: 'cancelled', statusReason: { text: 'posologie à revoir' } });

    const dispensedLine = await eventually(async () => {
      const read = await fhir(`/MedicationRequest/${dispensed.id}-1`, prescriber);
      return read.body?.status === 'completed' ? read.body : undefined;
    });
    served.push({ what: 'MedicationRequest (completed)', resource: dispensedLine });
  });

  it('reads the whole prescription as a collection Bundle of its patient, prescriber and lines', async () => {
    const bundle = await served200('Bundle (collection: the prescription)', `/Bundle/${twoLines.id}`, prescriber);
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      id: twoLines.id,
      type: 'collection',
      identifier: { system: PRESCRIPTION_ID_SYSTEM, value: twoLines.id },
    });
    const [patientEntry, practitionerEntry, ...lines] = bundle.entry;
    expect(patientEntry.resource).toMatchObject({
      resourceType: 'Patient',
      identifier: [{ system: INS_SYSTEM, value: ins }],
      name: [{ family: 'Martin', given: ['Camille'] }],
      birthDate: '1984-03-17',
    });
    expect(practitionerEntry.resource).toMatchObject({ resourceType: 'Practitioner', name: [{ text: twoLines.prescriber.name }] });
    expect(lines.map((entry: any) => entry.resource.id)).toEqual([`${twoLines.id}-1`, `${twoLines.id}-2`]);
    expect(lines.map((entry: any) => entry.fullUrl)).toEqual(
      lines.map((entry: any) => `${system.url('prescribing')}/fhir/MedicationRequest/${entry.resource.id}`),
    );
    for (const entry of lines) {
      expect(entry.resource.subject.reference).toBe(patientEntry.fullUrl);
      expect(entry.resource.requester.reference).toBe(practitionerEntry.fullUrl);
    }
  });

  it('searches the prescriber’s own lines by patient, newest prescription first, page after page', async () => {
    const everything = await served200('Bundle (searchset)', `/MedicationRequest?patient=${ins}`, prescriber);
    expect(everything.type).toBe('searchset');
    const expected = [`${dispensed.id}-1`, `${cancelled.id}-1`, `${twoLines.id}-1`, `${twoLines.id}-2`];
    expect(everything.entry.map((entry: any) => entry.resource.id)).toEqual(expected);
    expect(everything.entry.every((entry: any) => entry.search.mode === 'match')).toBe(true);

    const pages: string[][] = [];
    let next: string | undefined = `/MedicationRequest?patient:identifier=${encodeURIComponent(`${INS_SYSTEM}|${ins}`)}&_count=3`;
    while (next) {
      const page = await fhir(next, prescriber);
      expect(page.status).toBe(200);
      pages.push(page.body.entry.map((entry: any) => entry.resource.id));
      next = page.body.link.find((link: any) => link.relation === 'next')?.url;
    }
    expect(pages).toEqual([expected.slice(0, 3), expected.slice(3)]);

    const ids = async (query: string) =>
      ((await fhir(`/MedicationRequest?patient=${ins}&${query}`, prescriber)).body.entry ?? []).map((e: any) => e.resource.id);
    expect(await ids('status=cancelled')).toEqual([`${cancelled.id}-1`]);
    expect(await ids('status=active')).toEqual([`${twoLines.id}-1`, `${twoLines.id}-2`]);
    expect(await ids('status=completed,cancelled')).toEqual([`${dispensed.id}-1`, `${cancelled.id}-1`]);
    expect(await ids('authoredon=ge2020-01-01&authoredon=lt2999')).toEqual(expected);
    expect(await ids('authoredon=lt2020-01-01')).toEqual([]);

    const colleagues = await fhir(`/MedicationRequest?patient=${ins}`, colleague);
    expect(colleagues.status).toBe(200);
    // Nothing found: FHIR JSON has no empty arrays, so no `entry` at all.
    expect(colleagues.body.entry).toBeUndefined();
  });

  describe('answers every refusal with an OperationOutcome carrying the JSON API’s code', () => {
    async function refusal(
      what: string,
      path: string,
      token: string | undefined,
      status: number,
      code: string,
      method = 'GET',
    ): Promise<any> {
      const response = await fhir(path, token, method);
      expect(response.status).toBe(status);
      expect(response.contentType).toBe(FHIR_JSON);
      expect(response.body.resourceType).toBe('OperationOutcome');
      expect(response.body.issue[0].details.coding[0]).toEqual({ system: 'https://ordo.example/error-code', code });
      served.push({ what, resource: response.body });
      return response.body;
    }

    it('another prescriber’s prescription: 404 PRESCRIPTION_NOT_FOUND, as in the JSON API', async () => {
      const json = await system.request('prescribing', 'GET', `/v1/prescriptions/${twoLines.id}`, { token: colleague });
      expect(json.body.code).toBe('PRESCRIPTION_NOT_FOUND');
      const outcome = await refusal(
        'OperationOutcome 404',
        `/MedicationRequest/${twoLines.id}-1`,
        colleague,
        404,
        'PRESCRIPTION_NOT_FOUND',
      );
      expect(outcome.issue[0].code).toBe('not-found');
      await refusal('OperationOutcome 404 (Bundle)', `/Bundle/${twoLines.id}`, colleague, 404, 'PRESCRIPTION_NOT_FOUND');
    });

    it('a pharmacist’s token: 403 FORBIDDEN; no token: 401 UNAUTHENTICATED', async () => {
      const forbidden = await refusal('OperationOutcome 403', `/MedicationRequest/${twoLines.id}-1`, pharmacist, 403, 'FORBIDDEN');
      expect(forbidden.issue[0].code).toBe('forbidden');
      await refusal('OperationOutcome 401', `/MedicationRequest?patient=${ins}`, undefined, 401, 'UNAUTHENTICATED');
    });

    it('a line the prescription does not have, a malformed ID, a bad search parameter: 404 and 400 naming it', async () => {
      await refusal('OperationOutcome 404 (line)', `/MedicationRequest/${twoLines.id}-9`, prescriber, 404, 'UNKNOWN_LINE');
      const badId = await refusal(
        'OperationOutcome 400 (id)',
        '/MedicationRequest/NOT-A-PRESCRIPTION-1',
        prescriber,
        400,
        'VALIDATION_FAILED',
      );
      expect(badId.issue[0].diagnostics).toBe('id: isPrescriptionId');
      const noLine = await refusal(
        'OperationOutcome 400 (no line)',
        `/MedicationRequest/${twoLines.id}`,
        prescriber,
        400,
        'VALIDATION_FAILED',
      );
      expect(noLine.issue[0].diagnostics).toBe('id: isMedicationRequestId');
      const badDate = await refusal(
        'OperationOutcome 400 (search)',
        '/MedicationRequest?authoredon=ne2026-01-01&status=open',
        prescriber,
        400,
        'VALIDATION_FAILED',
      );
      expect(badDate.issue.map((issue: any) => issue.diagnostics)).toEqual([
        'status: isMedicationRequestStatus',
        'authoredon: supportedPrefix',
      ]);
      await refusal('OperationOutcome 400 (cursor)', '/MedicationRequest?cursor=bm90LW1pbmU', prescriber, 400, 'INVALID_CURSOR');
      // A parameter it does not know is refused rather than ignored: a filter the client believes applied would not be.
      const unknown = await refusal(
        'OperationOutcome 400 (unknown parameter)',
        '/MedicationRequest?_sort=-authoredon',
        prescriber,
        400,
        'VALIDATION_FAILED',
      );
      expect(unknown.issue[0].diagnostics).toBe('_sort: whitelistValidation');
    });

    it('what it does not serve: 404 for other resource types, 405 for writing', async () => {
      await refusal('OperationOutcome 404 (type)', '/Patient/123', prescriber, 404, 'RESOURCE_TYPE_NOT_SUPPORTED');
      await refusal('OperationOutcome 405', '/MedicationRequest', prescriber, 405, 'INTERACTION_NOT_SUPPORTED', 'POST');
      await refusal('OperationOutcome 405 (search)', '/Bundle', prescriber, 405, 'INTERACTION_NOT_SUPPORTED');
    });
  });

  it('records who read which prescription through FHIR in the access log, refusals included', async () => {
    const db = await system.db('prescribing');
    const { rows } = await db.query(
      `SELECT action, actor_rpps, outcome_status, outcome_code FROM access_log WHERE prescription_id = $1 AND action <> 'prescription.issue' ORDER BY id`,
      [twoLines.id],
    );
    const seen = rows.map((row: any) => [row.action, row.actor_rpps, row.outcome_status, row.outcome_code]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['prescription.read', prescriberRpps, 200, null],
        ['prescription.list', prescriberRpps, 200, null],
        ['prescription.read', rpps('1000002401'), 404, 'PRESCRIPTION_NOT_FOUND'],
      ]),
    );
  });

  it('serves only what HAPI FHIR’s R4 validator finds no error in', async () => {
    const kinds = new Set(
      served.map(({ resource }: any) => (resource.resourceType === 'Bundle' ? `Bundle/${resource.type}` : resource.resourceType)),
    );
    expect([...kinds].sort()).toEqual([
      'Bundle/collection',
      'Bundle/searchset',
      'CapabilityStatement',
      'MedicationRequest',
      'OperationOutcome',
    ]);
    // A control it must refuse (Ordo's status instead of FHIR's, no intent, no subject): a validator
    // that found nothing at all would otherwise pass this test.
    const control = {
      resourceType: 'MedicationRequest',
      id: 'control',
      status: 'ISSUED',
      medicationCodeableConcept: { text: 'DOLIPRANE' },
    };
    const started = Date.now();
    const [refused, ...validations] = await validateFhir([control, ...served.map(({ resource }) => resource)]);
    const elapsed = Date.now() - started;
    expect(refused.errors.map((error) => error.location)).toEqual(
      expect.arrayContaining(['MedicationRequest.status', expect.stringMatching(/^MedicationRequest/)]),
    );
    expect(refused.errors.length).toBeGreaterThanOrEqual(3);

    const report = validations.map((validation, index) => {
      const findings = describeFindings([validation], 'warnings').map((line) => `      warning ${line}`);
      return [`  ${served[index].what}: ${validation.errors.length} errors, ${validation.warnings.length} warnings`, ...findings].join(
        '\n',
      );
    });
    const warnings = validations.reduce((sum, validation) => sum + validation.warnings.length, 0);
    process.stdout.write(
      `HAPI FHIR R4 validation of ${served.length} served resources and a control, in ${elapsed} ms: ${warnings} warnings\n${report.join('\n')}\n`,
    );
    expect(describeFindings(validations, 'errors')).toEqual([]);
  }, 900_000);
});
