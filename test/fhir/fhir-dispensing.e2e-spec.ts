import { withCip13CheckDigit } from '@ordo/identifiers';
import { describeFindings, validateFhir } from '../../tools/fhir/validator';
import { finess, freshPatientIns, prescriptionRequest, rpps } from '../support/fixtures';
import { OrdoSystem, eventually } from '../support/ordo-system';
import { claim, dispense } from '../support/pharmacy';

/**
 * The pharmacy's FHIR R4 API on dispensing (docs/fhir.md#dispensing): a prescription's lines by its
 * ID, the pharmacy's dispensings as MedicationDispenses, errors as OperationOutcomes with dispensing's
 * codes; a lifecycle followed through FHIR reads alone; every resource served checked by HAPI FHIR.
 */

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const INS_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';
const PRESCRIPTION_ID_SYSTEM = 'https://ordo.example/prescription-id';
const CIP13_SYSTEM = 'http://data.esante.gouv.fr/ansm/medicament/Presentation';
const CIS_SYSTEM = 'http://data.esante.gouv.fr/ansm/medicament/SpecialitePharmaceutique';
/** A generic pack of paracetamol 1000 mg, as a pharmacy scans it. */
const GENERIC_PACK = withCip13CheckDigit('340093000012');

describe('FHIR API of dispensing: MedicationRequest by prescription ID, MedicationDispense', () => {
  let system: OrdoSystem;
  let prescriber: string;
  let pharmacist: string;
  let otherPharmacy: string;
  const pharmacyFiness = finess('75002410');
  const pharmacistRpps = rpps('2000002410');
  const ins = freshPatientIns();
  const served: { what: string; resource: object }[] = [];

  let prescription: any;

  async function fhir(service: 'prescribing' | 'dispensing', path: string, token?: string, method = 'GET') {
    const url = path.startsWith('http') ? path : `${system.url(service)}/fhir${path}`;
    const response = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await response.text();
    return { status: response.status, contentType: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
  }

  async function served200(what: string, path: string, token?: string): Promise<any> {
    const response = await fhir('dispensing', path, token);
    expect(response.status).toBe(200);
    expect(response.contentType).toBe(FHIR_JSON);
    served.push({ what, resource: response.body });
    return response.body;
  }

  beforeAll(async () => {
    system = await OrdoSystem.start(24100, ['prescribing', 'dispensing'], { FRAUD_CHECK_TIMEOUT_MS: '50' });
    prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000002410') });
    pharmacist = await system.token({ role: 'pharmacist', finess: pharmacyFiness, rpps: pharmacistRpps });
    otherPharmacy = await system.token({ role: 'pharmacist', finess: finess('13002411'), rpps: rpps('2000002411') });
    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', {
      token: prescriber,
      body: prescriptionRequest({
        patient: { ins, firstName: 'Louise', lastName: 'Bernard', birthDate: '1950-06-02', sex: 'F' },
        lines: [
          prescriptionRequest().lines[0],
          { cis: '60151544', dosage: '1 g matin et soir', quantity: 12, unit: 'comprimé', durationDays: 6, renewals: 0 },
        ],
      }),
    });
    expect(issued.status).toBe(201);
    prescription = issued.body;
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('describes itself at /fhir/metadata, without a token', async () => {
    const statement = await served200('CapabilityStatement (dispensing)', '/metadata');
    expect(statement).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', format: ['application/fhir+json'] });
    expect(statement.rest[0].resource.map((resource: any) => resource.type)).toEqual(['MedicationRequest', 'MedicationDispense']);
  });

  it('follows a prescription through FHIR reads: lines to give, then what was dispensed, then completed', async () => {
    // Before dispensing knows the prescription, a search finds nothing.
    const lines = await eventually(async () => {
      const found = await fhir('dispensing', `/MedicationRequest?group-identifier=${prescription.displayId}`, pharmacist);
      return found.body?.entry?.length === 2 ? found.body : undefined;
    });
    served.push({ what: 'Bundle (searchset of MedicationRequests, dispensing)', resource: lines });
    const [first, second] = lines.entry.map((entry: any) => entry.resource);
    expect(first).toMatchObject({
      resourceType: 'MedicationRequest',
      id: `${prescription.id}-1`,
      status: 'active',
      intent: 'order',
      groupIdentifier: { system: PRESCRIPTION_ID_SYSTEM, value: prescription.id },
      subject: { identifier: { system: INS_SYSTEM, value: ins }, display: 'Louise Bernard' },
      requester: { identifier: { value: `8${rpps('1000002410')}` } },
      dispenseRequest: { quantity: { value: 24, unit: 'comprimé' } },
    });
    expect(second.medicationCodeableConcept.coding).toEqual([{ system: CIS_SYSTEM, code: '60151544' }]);
    expect(lines.entry[0].fullUrl).toBe(`${system.url('dispensing')}/fhir/MedicationRequest/${prescription.id}-1`);
    await served200('MedicationRequest (dispensing)', `/MedicationRequest/${prescription.id}-2`, pharmacist);

    const none = await served200(
      'Bundle (empty searchset of MedicationDispenses)',
      `/MedicationDispense?prescription=${prescription.id}`,
      pharmacist,
    );
    expect(none).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(none.entry).toBeUndefined();

    // First round: a generic on line 1, nothing on line 2 (out of stock).
    const claimed = await claim(system, pharmacist, { typedId: prescription.id });
    expect(claimed.status).toBe(201);
    const handed = await system.request('dispensing', 'POST', `/v1/claims/${claimed.body.claimId}/dispense`, {
      token: pharmacist,
      body: {
        secret: claimed.body.secret,
        lines: [
          { lineNo: 1, quantity: 24, cip13: GENERIC_PACK, generic: true },
          { lineNo: 2, quantity: 0, notDispensedReason: 'rupture de stock' },
        ],
      },
    });
    expect(handed.status).toBe(201);

    const dispensed = await served200(
      'Bundle (searchset of MedicationDispenses)',
      `/MedicationDispense?prescription=${prescription.displayId}`,
      pharmacist,
    );
    expect(dispensed.entry).toHaveLength(2);
    const [given, declined] = dispensed.entry.map((entry: any) => entry.resource);
    expect(given).toMatchObject({
      resourceType: 'MedicationDispense',
      status: 'completed',
      medicationCodeableConcept: { coding: [{ system: CIP13_SYSTEM, code: GENERIC_PACK }] },
      subject: { identifier: { system: INS_SYSTEM, value: ins } },
      performer: [
        { actor: { type: 'Practitioner', identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: `8${pharmacistRpps}` } } },
        { actor: { type: 'Organization', identifier: { system: 'http://finess.sante.gouv.fr', value: pharmacyFiness } } },
      ],
      authorizingPrescription: [{ reference: `MedicationRequest/${prescription.id}-1` }],
      quantity: { value: 24, unit: 'comprimé' },
      substitution: { wasSubstituted: true, type: { coding: [{ code: 'G' }] } },
    });
    expect(Date.parse(given.whenHandedOver)).toBeGreaterThan(Date.parse(prescription.issuedAt));
    expect(declined).toMatchObject({
      status: 'declined',
      statusReasonCodeableConcept: { text: 'rupture de stock' },
      quantity: { value: 0 },
      substitution: { wasSubstituted: false },
    });
    // Each can be read alone where the searchset says, and a search by line finds that line's only.
    const alone = await served200('MedicationDispense', new URL(dispensed.entry[0].fullUrl).pathname.replace(/^\/fhir/, ''), pharmacist);
    expect(alone).toEqual(given);
    const byLine = await fhir('dispensing', `/MedicationDispense?prescription=MedicationRequest/${prescription.id}-2`, pharmacist);
    expect(byLine.body.entry.map((entry: any) => entry.resource.id)).toEqual([declined.id]);
    // Another pharmacy sees none of this pharmacy's dispensings.
    const theirs = await fhir('dispensing', `/MedicationDispense?prescription=${prescription.id}`, otherPharmacy);
    expect(theirs.body.entry).toBeUndefined();

    // Line 2 is still to give: the prescriber's view stays active until the second round.
    const partly = await eventually(async () => {
      const read = await fhir('prescribing', `/MedicationRequest/${prescription.id}-2`, prescriber);
      return read.body?.status === 'active' ? read.body : undefined;
    });
    expect(partly.status).toBe('active');
    const again = await claim(system, pharmacist, { typedId: prescription.id });
    expect(again.status).toBe(201);
    expect((await dispense(system, pharmacist, again.body, [{ lineNo: 2, quantity: 12 }])).status).toBe(201);

    const all = await fhir('dispensing', `/MedicationDispense?prescription=${prescription.id}`, pharmacist);
    expect(all.body.entry.map((entry: any) => [entry.resource.authorizingPrescription[0].reference, entry.resource.status])).toEqual([
      [`MedicationRequest/${prescription.id}-1`, 'completed'],
      [`MedicationRequest/${prescription.id}-2`, 'declined'],
      [`MedicationRequest/${prescription.id}-2`, 'completed'],
    ]);
    const completed = await eventually(async () => {
      const read = await fhir('prescribing', `/MedicationRequest/${prescription.id}-1`, prescriber);
      return read.body?.status === 'completed' ? read.body : undefined;
    });
    expect(completed.groupIdentifier.value).toBe(prescription.id);
    const pharmacyView = await fhir('dispensing', `/MedicationRequest/${prescription.id}-1`, pharmacist);
    expect(pharmacyView.body.status).toBe('completed');
  });

  describe('answers every refusal with an OperationOutcome carrying dispensing’s code', () => {
    async function refusal(what: string, path: string, token: string | undefined, status: number, code: string, method = 'GET') {
      const response = await fhir('dispensing', path, token, method);
      expect(response.status).toBe(status);
      expect(response.contentType).toBe(FHIR_JSON);
      expect(response.body.resourceType).toBe('OperationOutcome');
      expect(response.body.issue[0].details.coding[0]).toEqual({ system: 'https://ordo.example/error-code', code });
      served.push({ what, resource: response.body });
      return response.body;
    }

    it('no token 401, a prescriber 403, an unknown prescription 404 PRESCRIPTION_UNKNOWN', async () => {
      await refusal(
        'OperationOutcome 401 (dispensing)',
        `/MedicationDispense?prescription=${prescription.id}`,
        undefined,
        401,
        'UNAUTHENTICATED',
      );
      await refusal('OperationOutcome 403 (dispensing)', `/MedicationRequest/${prescription.id}-1`, prescriber, 403, 'FORBIDDEN');
      await refusal(
        'OperationOutcome 404 (dispensing)',
        '/MedicationRequest/VFQEXDE5Z7ZXB6D741-1',
        pharmacist,
        404,
        'PRESCRIPTION_UNKNOWN',
      );
      await refusal('OperationOutcome 404 (line)', `/MedicationRequest/${prescription.id}-7`, pharmacist, 404, 'UNKNOWN_LINE');
    });

    it('another pharmacy’s dispensing reads as not found', async () => {
      const mine = await fhir('dispensing', `/MedicationDispense?prescription=${prescription.id}`, pharmacist);
      const id = mine.body.entry[0].resource.id;
      await refusal('OperationOutcome 404 (MedicationDispense)', `/MedicationDispense/${id}`, otherPharmacy, 404, 'DISPENSATION_NOT_FOUND');
    });

    it('a search without its parameter, a malformed ID, an unknown parameter: 400 naming it', async () => {
      const missing = await refusal('OperationOutcome 400 (no parameter)', '/MedicationDispense', pharmacist, 400, 'VALIDATION_FAILED');
      expect(missing.issue.map((issue: any) => issue.diagnostics)).toContain('prescription: isString');
      const badId = await refusal(
        'OperationOutcome 400 (id)',
        '/MedicationDispense/not-a-dispensation',
        pharmacist,
        400,
        'VALIDATION_FAILED',
      );
      expect(badId.issue[0].diagnostics).toBe('id: isMedicationDispenseId');
      const unknown = await refusal(
        'OperationOutcome 400 (unknown parameter)',
        `/MedicationRequest?group-identifier=${prescription.id}&patient=x`,
        pharmacist,
        400,
        'VALIDATION_FAILED',
      );
      expect(unknown.issue[0].diagnostics).toBe('patient: whitelistValidation');
    });

    it('what it does not serve: 404 for other types, 405 for writing; refusals before routing too', async () => {
      await refusal('OperationOutcome 404 (type, dispensing)', '/Patient/1', pharmacist, 404, 'RESOURCE_TYPE_NOT_SUPPORTED');
      await refusal('OperationOutcome 405 (dispensing)', '/MedicationDispense', pharmacist, 405, 'INTERACTION_NOT_SUPPORTED', 'POST');
      // Refused by the request-shape guard before any handler: an OperationOutcome all the same.
      await refusal(
        'OperationOutcome 400 (shape)',
        `/MedicationDispense?prescription=${encodeURIComponent('a\u0000b')}`,
        pharmacist,
        400,
        'VALIDATION_FAILED',
      );
      await refusal('OperationOutcome 404 (no route)', '/MedicationDispense/a/b', pharmacist, 404, 'NOT_FOUND');
    });
  });

  it('serves only what HAPI FHIR’s R4 validator finds no error in', async () => {
    const validations = await validateFhir(served.map(({ resource }) => resource));
    const report = validations.map((validation, index) =>
      [
        `  ${served[index].what}: ${validation.errors.length} errors, ${validation.warnings.length} warnings`,
        ...describeFindings([validation], 'warnings').map((line) => `      warning ${line}`),
      ].join('\n'),
    );
    const warnings = validations.reduce((sum, validation) => sum + validation.warnings.length, 0);
    process.stdout.write(
      `HAPI FHIR R4 validation of ${served.length} resources served by dispensing: ${warnings} warnings\n${report.join('\n')}\n`,
    );
    expect(describeFindings(validations, 'errors')).toEqual([]);
  }, 900_000);
});
