import { Topics } from '@ordo/contracts';
import { KeyRing, QrTokenSigner, generateSigningKey } from '@ordo/rx-id';
import { OrdoSystem, eventually } from './support/ordo-system';
import { finess, freshPatientIns, prescriptionRequest, rpps } from './support/fixtures';
import { claim, dispense } from './support/pharmacy';
import { readTopic } from './support/topic-reader';
import { pdfPagesAsPng } from './printing/poppler';
import { scanQr } from './printing/qr-scan';

const SKENAN_14 = {
  cip13: '3400933323523',
  label: 'SKENAN L.P. 10 mg',
  dosage: '1 gélule matin et soir',
  unit: 'gélule',
  quantity: 28,
  durationDays: 14,
  renewals: 0,
};
const pharmacies = Array.from({ length: 50 }, (_, i) => ({ finess: finess(String(75100000 + i)), rpps: rpps(String(3000000000 + i)) }));

describe('dispensing: scan, claim, dispense, under races and forgeries', () => {
  let system: OrdoSystem;
  let prescriber: string;
  let pharmacist: string;
  let tokens: string[];

  beforeAll(async () => {
    system = await OrdoSystem.start(12000, undefined, { FRAUD_CHECK_TIMEOUT_MS: '3000', CLAIM_SWEEP_INTERVAL_MS: '200' });
    prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000020') });
    tokens = await Promise.all(pharmacies.map((p) => system.token({ role: 'pharmacist', finess: p.finess, rpps: p.rpps })));
    pharmacist = tokens[0];
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function issued(body = prescriptionRequest()): Promise<{ id: string; displayId: string }> {
    body.patient.ins = freshPatientIns();
    const response = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: prescriber, body });
    expect(response.status).toBe(201);
    await eventually(
      async () => {
        const seen = await system.request('dispensing', 'GET', `/v1/prescriptions/${response.body.id}`, { token: pharmacist });
        return seen.status === 200 ? true : undefined;
      },
      30000,
      'dispensing to know the prescription',
    );
    return response.body;
  }

  const prescribingStatus = (id: string, status: string) =>
    eventually(
      async () => {
        const seen = await system.request('prescribing', 'GET', `/v1/prescriptions/${id}`, { token: prescriber });
        return seen.body.status === status ? status : undefined;
      },
      30000,
      `prescribing to show ${status}`,
    );

  it('lets exactly one of 50 pharmacies racing for a prescription claim it', async () => {
    const { id } = await issued();
    const answers = await Promise.all(tokens.map((token) => claim(system, token, { typedId: id })));
    const won = answers.filter((a) => a.status === 201);
    const lost = answers.filter((a) => a.status === 409);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    expect(new Set(lost.map((a) => a.body.code))).toEqual(new Set(['CLAIMED_ELSEWHERE']));
    const { rows } = await (await system.db('dispensing')).query('SELECT count(*)::int AS n FROM claim WHERE prescription_id = $1', [id]);
    expect(rows[0].n).toBe(1);
  });

  it('records one dispensation for 50 concurrent dispenses with one Idempotency-Key', async () => {
    const { id } = await issued();
    const claimed = await claim(system, pharmacist, { typedId: id });
    expect(claimed.status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => dispense(system, pharmacist, claimed.body, undefined, { 'idempotency-key': `counter-${id}` })),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const { rows } = await (
      await system.db('dispensing')
    ).query('SELECT count(*)::int AS n FROM dispensation WHERE prescription_id = $1', [id]);
    expect(rows[0].n).toBe(1);
    await prescribingStatus(id, 'DISPENSED');
  });

  it('dispenses part, then the rest under a second claim, and prescribing follows', async () => {
    const { id } = await issued();
    const first = await claim(system, pharmacist, { typedId: id });
    const part = await dispense(system, pharmacist, first.body, [{ lineNo: 1, quantity: 10, cip13: '3400935955838' }]);
    expect(part.status).toBe(201);
    await prescribingStatus(id, 'PARTIALLY_DISPENSED');
    const view = await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist });
    expect(view.body.lines[0]).toMatchObject({ given: 10, remaining: 14 });

    const second = await claim(system, tokens[1], { typedId: id });
    expect(second.status).toBe(201);
    const tooMuch = await dispense(system, tokens[1], second.body, [{ lineNo: 1, quantity: 20 }]);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe('OVER_QUANTITY');
    const rest = await dispense(system, tokens[1], second.body);
    expect(rest.status).toBe(201);
    expect(rest.body.lines).toEqual([{ lineNo: 1, quantity: 14 }]);
    await prescribingStatus(id, 'DISPENSED');

    const history = await system.request('dispensing', 'GET', '/v1/dispensations', { token: tokens[1] });
    expect(history.body.items.filter((d: { prescriptionId: string }) => d.prescriptionId === id)).toHaveLength(1);
  });

  it('refuses forged, altered, truncated and random codes, and records each scan for fraud', async () => {
    const startedAt = Date.now() - 1000;
    const { id } = await issued();
    const pdf = await fetch(`${system.url('prescribing')}/v1/prescriptions/${id}/pdf`, {
      headers: { authorization: `Bearer ${prescriber}` },
    });
    const genuine = (await scanQr((await pdfPagesAsPng(Buffer.from(await pdf.arrayBuffer()), 150))[0]))!;
    const kid = genuine.split('.')[2];

    const otherKeyAsOurs = new QrTokenSigner(KeyRing.fromConfig({ activeKid: kid, keys: [generateSigningKey(kid)] })).sign(id as never);
    const unknownKey = new QrTokenSigner(KeyRing.fromConfig({ activeKid: 'rogue', keys: [generateSigningKey('rogue')] })).sign(id as never);
    const idChars = genuine.split('.')[1];
    const swapped = idChars[0] === 'A' ? 'B' : 'A';
    const altered = genuine.replace(`.${idChars}.`, `.${swapped}${idChars.slice(1)}.`);
    const cases: [string, string, string][] = [
      [otherKeyAsOurs, 'FORGED_CODE', 'forged-signature'],
      [unknownKey, 'UNKNOWN_SIGNING_KEY', 'unknown-key'],
      [altered, 'BAD_CHECK_DIGITS', 'bad-check-digits'],
      [genuine.slice(0, 60), 'MALFORMED_CODE', 'malformed'],
      [Buffer.from('random bytes that are no code').toString('base64'), 'MALFORMED_CODE', 'malformed'],
    ];
    for (const [code, expectedCode] of cases) {
      const response = await system.request('dispensing', 'POST', '/v1/scans', { token: pharmacist, body: { code } });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe(expectedCode);
    }
    const ok = await system.request('dispensing', 'POST', '/v1/scans', { token: pharmacist, body: { code: genuine } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ verification: 'genuine', prescription: { id, status: 'ISSUED' } });

    const ours = (m: { event?: { type: string; time: string; data: unknown } }) =>
      m.event?.type === 'fr.ordo.dispensing.scanned.v1' &&
      (m.event.data as { pharmacyFiness: string }).pharmacyFiness === pharmacies[0].finess &&
      Date.parse(m.event.time) >= startedAt;
    const seenOutcomes = (messages: { event?: { type: string; time: string; data: unknown } }[]) =>
      new Set(messages.filter(ours).map((m) => (m.event!.data as { outcome: string }).outcome));
    const scans = await readTopic(Topics.dispensing, (messages) => {
      const seen = seenOutcomes(messages);
      return [...cases.map(([, , outcome]) => outcome), 'genuine'].every((outcome) => seen.has(outcome));
    });
    const outcomes = [...seenOutcomes(scans)];
    for (const [, , outcome] of cases) expect(outcomes).toContain(outcome);

    const alerts = await eventually(
      async () => {
        const analyst = await system.token({ role: 'fraud-analyst' });
        const response = await system.request('fraud', 'GET', `/v1/alerts?prescriptionId=${id}`, { token: analyst });
        return response.body.items?.length ? response.body.items : undefined;
      },
      30000,
      'fraud to raise an alert on the forged code',
    );
    expect(alerts[0].rules.map((r: { code: string }) => r.code)).toContain('FORGED_CODE');
  });

  it('refuses a cancel while claimed, honours it once released, and then refuses claims', async () => {
    const { id } = await issued();
    const claimed = await claim(system, pharmacist, { typedId: id });
    await prescribingStatus(id, 'CLAIMED');
    const refused = await system.request('prescribing', 'POST', `/v1/prescriptions/${id}/cancel`, {
      token: prescriber,
      body: { reason: 'erreur' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PRESCRIPTION_CLAIMED');

    const released = await system.request('dispensing', 'POST', `/v1/claims/${claimed.body.claimId}/release`, {
      token: pharmacist,
      body: { secret: claimed.body.secret },
    });
    expect(released.status).toBe(200);
    await prescribingStatus(id, 'ISSUED');
    const cancelled = await system.request('prescribing', 'POST', `/v1/prescriptions/${id}/cancel`, {
      token: prescriber,
      body: { reason: 'erreur' },
    });
    expect(cancelled.status).toBe(200);
    await eventually(
      async () => {
        const again = await claim(system, pharmacist, { typedId: id });
        return again.status === 409 && again.body.code === 'CANCELLED' ? true : undefined;
      },
      30000,
      'dispensing to refuse the cancelled prescription',
    );
  });

  it('frees a prescription whose claim expired for another pharmacy, and refuses the stale claim', async () => {
    const { id } = await issued();
    const stale = await claim(system, pharmacist, { typedId: id });
    await (
      await system.db('dispensing')
    ).query("UPDATE claim SET expires_at = now() - interval '1 second' WHERE id = $1", [stale.body.claimId]);
    const other = await eventually(
      async () => {
        const answer = await claim(system, tokens[2], { typedId: id });
        return answer.status === 201 ? answer : undefined;
      },
      10000,
      'the claim to expire',
    );
    expect(other.status).toBe(201);
    const late = await dispense(system, pharmacist, stale.body);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('CLAIM_EXPIRED');
    const released = await readTopic(Topics.dispensing, (messages) =>
      messages.some((m) => m.key === id && m.event?.type === 'fr.ordo.dispensing.released.v1'),
    );
    expect(released.find((m) => m.key === id && m.event?.type === 'fr.ordo.dispensing.released.v1')!.event!.data).toMatchObject({
      reason: 'expired',
      claimId: stale.body.claimId,
    });
  });

  it('with fraud stopped, fails closed for a narcotic and open for the rest, and records which', async () => {
    const narcotic = await issued(prescriptionRequest({ secure: true, lines: [SKENAN_14] }));
    const ordinary = await issued();
    await system.stopService('fraud');
    try {
      const closed = await claim(system, pharmacist, { typedId: narcotic.id });
      expect(closed.status).toBe(503);
      expect(closed.body.code).toBe('FRAUD_UNAVAILABLE');
      const open = await claim(system, pharmacist, { typedId: ordinary.id });
      expect(open.status).toBe(201);
      expect(open.body.verdict).toMatchObject({ source: 'timeout-fail-open' });
    } finally {
      await system.startService('fraud');
    }
    const events = await readTopic(
      Topics.dispensing,
      (messages) =>
        messages.some((m) => m.key === narcotic.id && m.event?.type === 'fr.ordo.dispensing.refused.v1') &&
        messages.some((m) => m.key === ordinary.id && m.event?.type === 'fr.ordo.dispensing.claimed.v1'),
    );
    expect(events.find((m) => m.key === narcotic.id && m.event?.type === 'fr.ordo.dispensing.refused.v1')!.event!.data).toMatchObject({
      reason: 'FRAUD_UNAVAILABLE',
    });
    expect(events.find((m) => m.key === ordinary.id && m.event?.type === 'fr.ordo.dispensing.claimed.v1')!.event!.data).toMatchObject({
      verdictSource: 'timeout-fail-open',
    });
  });

  it('takes a printed ordonnance from its QR code to dispensed, as prescribing then reports', async () => {
    const { id } = await issued();
    const pdf = await fetch(`${system.url('prescribing')}/v1/prescriptions/${id}/pdf`, {
      headers: { authorization: `Bearer ${prescriber}` },
    });
    const code = (await scanQr((await pdfPagesAsPng(Buffer.from(await pdf.arrayBuffer()), 150))[0]))!;
    const scanned = await system.request('dispensing', 'POST', '/v1/scans', { token: tokens[3], body: { code } });
    expect(scanned.body.prescription.lines[0]).toMatchObject({ remaining: 24, dispensableNow: 24 });
    const claimed = await claim(system, tokens[3], { code });
    expect(claimed.status).toBe(201);
    expect((await dispense(system, tokens[3], claimed.body)).status).toBe(201);
    await prescribingStatus(id, 'DISPENSED');
    const again = await system.request('dispensing', 'POST', '/v1/scans', { token: tokens[4], body: { code } });
    expect(again.body.prescription).toMatchObject({ status: 'DISPENSED', lines: [expect.objectContaining({ remaining: 0 })] });
  });
});
