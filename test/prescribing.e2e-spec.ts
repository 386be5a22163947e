import { Topics } from '@ordo/contracts';
import { withCip13CheckDigit } from '@ordo/identifiers';
import { OrdoSystem, eventually } from './support/ordo-system';
import { finess, nir, prescriptionRequest, rpps } from './support/fixtures';
import { readTopic } from './support/topic-reader';
import { pdfPagesAsPng, pdfText } from './printing/poppler';
import { scanQr } from './printing/qr-scan';
import { KeyRing, QrTokenVerifier } from '@ordo/rx-id';

/** Real medicines from the BDPM copy, with the conditions the rules read. */
const SKENAN_14 = { cip13: '3400933323523', label: 'SKENAN L.P. 10 mg', dosage: '1 gélule matin et soir', unit: 'gélule' }; // morphine: stupéfiants
const CABAZITAXEL = { cis: '69357912', dosage: 'perfusion toutes les 3 semaines', unit: 'flacon' }; // réservé à l'usage HOSPITALIER
const AMOXICILLINE = { cis: '60151544', dosage: '1 g matin et soir', unit: 'comprimé' }; // liste I

function line(medicine: Record<string, string>, quantity: number, durationDays: number, renewals = 0) {
  return { ...medicine, quantity, durationDays, renewals };
}

describe('prescribing: French rules, idempotency, cancel, expiry, listing', () => {
  let system: OrdoSystem;
  let prescriber: string;
  let colleague: string;
  let pharmacist: string;

  beforeAll(async () => {
    system = await OrdoSystem.start(17000, ['prescribing', 'dispensing'], { EXPIRY_SWEEP_INTERVAL_MS: '300' });
    prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000010') });
    colleague = await system.token({ role: 'prescriber', rpps: rpps('1000000011') });
    pharmacist = await system.token({ role: 'pharmacist', finess: finess('75000010'), rpps: rpps('2000000010') });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const issue = (body: unknown, token = prescriber, headers: Record<string, string> = {}) =>
    system.request('prescribing', 'POST', '/v1/prescriptions', { token, body, headers });
  const countRows = async () => {
    const db = await system.db('prescribing');
    const [prescriptions, outbox] = await Promise.all([
      db.query('SELECT count(*)::int AS n FROM prescription'),
      db.query('SELECT count(*)::int AS n FROM outbox'),
    ]);
    return { prescriptions: prescriptions.rows[0].n, outbox: outbox.rows[0].n };
  };

  describe('refuses what French rules forbid, with a stable code and the line, storing nothing', () => {
    let before: { prescriptions: number; outbox: number };
    beforeAll(async () => {
      await eventually(async () => ((await countRows()).outbox === 0 ? true : undefined), 10000, 'an empty outbox');
      before = await countRows();
    });
    afterAll(async () => {
      expect(await countRows()).toEqual(before);
    });

    it('a narcotic over 28 days', async () => {
      const response = await issue(prescriptionRequest({ secure: true, lines: [line(SKENAN_14, 60, 30)] }));
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ code: 'NARCOTIC_OVER_28_DAYS' });
      expect(response.body.violations).toEqual([expect.objectContaining({ code: 'NARCOTIC_OVER_28_DAYS', lineNo: 1 })]);
    });

    it('a narcotic on an ordinary prescription', async () => {
      const response = await issue(prescriptionRequest({ lines: [line(SKENAN_14, 28, 14)] }));
      expect(response.status).toBe(422);
      expect(response.body.violations.map((v: { code: string }) => v.code)).toContain('SECURE_PRESCRIPTION_REQUIRED');
    });

    it('a narcotic with renewals', async () => {
      const response = await issue(prescriptionRequest({ secure: true, lines: [line(SKENAN_14, 28, 14, 1)] }));
      expect(response.status).toBe(422);
      expect(response.body.violations.map((v: { code: string }) => v.code)).toContain('NARCOTIC_NO_RENEWAL');
    });

    it('a hospital-only medicine, naming its line', async () => {
      const response = await issue(prescriptionRequest({ lines: [prescriptionRequest().lines[0], line(CABAZITAXEL, 1, 21)] }));
      expect(response.status).toBe(422);
      expect(response.body.violations).toEqual([expect.objectContaining({ code: 'HOSPITAL_ONLY', lineNo: 2 })]);
    });

    it('a pack code that passes its check digit but is no medicine', async () => {
      const unknown = withCip13CheckDigit('340093999999');
      const response = await issue(prescriptionRequest({ lines: [{ ...prescriptionRequest().lines[0], cip13: unknown }] }));
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ code: 'UNKNOWN_CIP13' });
    });

    it('bad identifiers, quantities and dates, naming each field', async () => {
      const request = prescriptionRequest();
      request.patient.ins = nir('1840375123456').slice(0, 13) + '00';
      request.patient.birthDate = '2026-02-30';
      (request.lines[0] as { quantity: number }).quantity = -3;
      const response = await issue(request);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
        ['lines.0.quantity', 'patient.birthDate', 'patient.ins'].sort(),
      );
    });

    it('a body over 1 MB and the wrong content type', async () => {
      const huge = await system.request('prescribing', 'POST', '/v1/prescriptions', {
        token: prescriber,
        rawBody: JSON.stringify({ ...prescriptionRequest(), padding: 'x'.repeat(1_100_000) }),
        headers: { 'content-type': 'application/json' },
      });
      expect(huge.status).toBe(413);
      const text = await system.request('prescribing', 'POST', '/v1/prescriptions', {
        token: prescriber,
        rawBody: 'patient=Martin',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
    });
  });

  it('issues a list I medicine and records its regulation on the line', async () => {
    const response = await issue(prescriptionRequest({ lines: [line(AMOXICILLINE, 12, 6)] }));
    expect(response.status).toBe(201);
    expect(response.body.lines[0]).toMatchObject({
      cis: '60151544',
      label: expect.stringContaining('AMOXICILLINE'),
      renewals: 0,
      regulation: { listI: true, narcotic: false },
    });
  });

  it('accepts a narcotic within the rules on a secure prescription', async () => {
    const response = await issue(prescriptionRequest({ secure: true, lines: [line(SKENAN_14, 28, 14)] }));
    expect(response.status).toBe(201);
    expect(response.body.lines[0].regulation).toMatchObject({ narcotic: true, quantitiesInWords: true });
  });

  it('answers a retried request with the same Idempotency-Key once, and refuses the key with another body', async () => {
    const key = `retry-${Date.now()}`;
    const body = prescriptionRequest();
    const [first, second] = await Promise.all([
      issue(body, prescriber, { 'idempotency-key': key }),
      issue(body, prescriber, { 'idempotency-key': key }),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).toBe(first.body.id);
    const third = await issue(body, prescriber, { 'idempotency-key': key });
    expect(third.body).toEqual(first.body);
    const { rows } = await (
      await system.db('prescribing')
    ).query('SELECT count(*)::int AS n FROM prescription WHERE id = $1', [first.body.id]);
    expect(rows[0].n).toBe(1);

    const other = await issue(prescriptionRequest({ secure: true }), prescriber, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it("lists the prescriber's own prescriptions by patient and status, page by page, and hides others'", async () => {
    const patient = nir('1751299123456');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const request = prescriptionRequest();
      request.patient.ins = patient;
      ids.push((await issue(request)).body.id);
    }
    const first = await system.request('prescribing', 'GET', `/v1/prescriptions?patient=${patient}&limit=2`, { token: prescriber });
    expect(first.status).toBe(200);
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    const second = await system.request('prescribing', 'GET', `/v1/prescriptions?patient=${patient}&limit=2&cursor=${first.body.next}`, {
      token: prescriber,
    });
    expect(second.body.items.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    expect(second.body.next).toBeNull();

    const theirs = await system.request('prescribing', 'GET', `/v1/prescriptions?patient=${patient}`, { token: colleague });
    expect(theirs.body.items).toEqual([]);
    const direct = await system.request('prescribing', 'GET', `/v1/prescriptions/${ids[0]}`, { token: colleague });
    expect(direct.status).toBe(404);
    const cancelTheirs = await system.request('prescribing', 'POST', `/v1/prescriptions/${ids[0]}/cancel`, {
      token: colleague,
      body: { reason: 'not mine' },
    });
    expect(cancelTheirs.status).toBe(404);
  });

  it('cancels a prescription, which dispensing then refuses, and cannot cancel it twice', async () => {
    const issued = await issue(prescriptionRequest());
    const id = issued.body.id;
    await eventually(async () => {
      const seen = await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist });
      return seen.status === 200 ? true : undefined;
    });
    const cancelled = await system.request('prescribing', 'POST', `/v1/prescriptions/${id}/cancel`, {
      token: prescriber,
      body: { reason: 'erreur de posologie' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'erreur de posologie' });
    const again = await system.request('prescribing', 'POST', `/v1/prescriptions/${id}/cancel`, {
      token: prescriber,
      body: { reason: 'encore' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PRESCRIPTION_NOT_CANCELLABLE');

    await eventually(async () => {
      const seen = await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist });
      return seen.body.status === 'CANCELLED' ? true : undefined;
    });
    const events = await readTopic(Topics.prescriptions, (messages) =>
      messages.some((m) => m.key === id && m.event?.type === 'fr.ordo.prescription.cancelled.v1'),
    );
    const cancelledEvent = events.find((m) => m.key === id && m.event?.type === 'fr.ordo.prescription.cancelled.v1');
    expect(cancelledEvent!.event!.data).toMatchObject({ prescriptionId: id, reason: 'erreur de posologie' });
  });

  it("carries the caller's correlation id into its answer and the events it causes, and gives one to a request without", async () => {
    const traced = await issue(prescriptionRequest(), prescriber, { 'x-correlation-id': 'counter-7:visit-42' });
    expect(traced.status).toBe(201);
    expect(traced.headers.get('x-correlation-id')).toBe('counter-7:visit-42');
    const untraced = await issue(prescriptionRequest(), prescriber, { 'x-correlation-id': 'not a safe id' });
    const given = untraced.headers.get('x-correlation-id');
    expect(given).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const issuedEvent = (id: string) => (m: { key: string | null; event?: { type: string } }) =>
      m.key === id && m.event?.type === 'fr.ordo.prescription.issued.v1';
    const events = await readTopic(
      Topics.prescriptions,
      (messages) => messages.some(issuedEvent(traced.body.id)) && messages.some(issuedEvent(untraced.body.id)),
    );
    expect(events.find(issuedEvent(traced.body.id))!.event).toMatchObject({ correlationid: 'counter-7:visit-42' });
    expect(events.find(issuedEvent(untraced.body.id))!.event).toMatchObject({ correlationid: given });
  });

  it('expires a prescription past its validity and tells the others', async () => {
    const issued = await issue(prescriptionRequest());
    const id = issued.body.id;
    await (await system.db('prescribing')).query("UPDATE prescription SET valid_until = now() - interval '1 minute' WHERE id = $1", [id]);
    await eventually(
      async () => {
        const seen = await system.request('prescribing', 'GET', `/v1/prescriptions/${id}`, { token: prescriber });
        return seen.body.status === 'EXPIRED' ? true : undefined;
      },
      10000,
      'the sweep to expire it',
    );
    await eventually(
      async () => {
        const seen = await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist });
        return seen.body.status === 'EXPIRED' ? true : undefined;
      },
      20000,
      'dispensing to learn of the expiry',
    );
  });

  it('publishes the QR verification keys without a token', async () => {
    const keys = await system.request('prescribing', 'GET', '/v1/keys');
    expect(keys.status).toBe(200);
    expect(keys.body.keys[0]).toMatchObject({ status: 'active', jwk: { kty: 'OKP', crv: 'Ed25519' } });
  });

  it('prints an ordonnance whose QR code, read from the rendered page, verifies and leads back to the prescription', async () => {
    const request = prescriptionRequest({
      secure: true,
      lines: [prescriptionRequest().lines[0], line(SKENAN_14, 28, 14)],
    });
    const issued = await issue(request);
    expect(issued.status).toBe(201);
    const pdf = await fetch(`${system.url('prescribing')}/v1/prescriptions/${issued.body.id}/pdf`, {
      headers: { authorization: `Bearer ${prescriber}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());

    const [page] = await pdfPagesAsPng(bytes, 150);
    const token = await scanQr(page);
    expect(token).toMatch(/^ORDO1\./);
    const keys = await system.request('prescribing', 'GET', '/v1/keys');
    const verifier = new QrTokenVerifier(KeyRing.fromConfig({ keys: keys.body.keys }));
    expect(verifier.verify(token)).toMatchObject({ outcome: 'genuine', id: issued.body.id });

    const text = await pdfText(bytes);
    expect(text).toContain('Camille');
    expect(text).toContain('MARTIN');
    expect(text).toContain(issued.body.displayId);
    expect(text).toContain('ORDONNANCE SÉCURISÉE');
    for (const printed of issued.body.lines) {
      expect(text).toContain(printed.label);
      expect(text.replace(/\s+/g, ' ')).toContain(printed.dosage);
    }
    expect(text).toContain('vingt-huit');

    const svg = await system.request('prescribing', 'GET', `/v1/prescriptions/${issued.body.id}/qr.svg`, { token: prescriber });
    expect(svg.status).toBe(200);
    expect(String(svg.body)).toContain('<svg');
    const png = await fetch(`${system.url('prescribing')}/v1/prescriptions/${issued.body.id}/qr.png`, {
      headers: { authorization: `Bearer ${prescriber}` },
    });
    expect(await scanQr(Buffer.from(await png.arrayBuffer()))).toBe(token);
  });

  it('documents its API with OpenAPI, the request schemas taken from the validation rules', async () => {
    const spec = await system.request('prescribing', 'GET', '/docs-json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/v1/prescriptions', '/v1/prescriptions/{id}/pdf', '/v1/keys']));
    const issue = spec.body.components.schemas.IssuePrescriptionDto;
    expect(Object.keys(issue.properties)).toEqual(expect.arrayContaining(['prescriber', 'patient', 'lines', 'secure']));
    expect(spec.body.components.schemas.PrescriptionLineDto.properties.quantity).toMatchObject({ minimum: 1 });
    const page = await fetch(`${system.url('prescribing')}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });
});
