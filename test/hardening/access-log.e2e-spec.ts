import { OrdoSystem, eventually } from '../support/ordo-system';
import { finess, freshPatientIns, prescriptionRequest, rpps } from '../support/fixtures';
import { claim } from '../support/pharmacy';

/**
 * Who saw which patient: every answer that shows a patient's identity is recorded in the service
 * that gave it, with the caller, the address and the outcome, in a table nobody can rewrite; an
 * auditor reads it by prescription or by patient.
 */
describe('access log', () => {
  let system: OrdoSystem;
  let prescriber: string;
  let otherPrescriber: string;
  let pharmacist: string;
  let auditor: string;

  beforeAll(async () => {
    system = await OrdoSystem.start(18100, ['prescribing', 'dispensing'], {
      FRAUD_CHECK_TIMEOUT_MS: '50',
      ACCESS_LOG_RETENTION_DAYS: '30',
      ACCESS_LOG_PRUNE_INTERVAL_MS: '1000',
    });
    prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000100') });
    otherPrescriber = await system.token({ role: 'prescriber', rpps: rpps('1000000101') });
    pharmacist = await system.token({ role: 'pharmacist', finess: finess('75000100'), rpps: rpps('2000000100') });
    auditor = await system.token({ role: 'auditor', subject: 'cnil-audit-1' });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('holds, after a lifecycle, the prescriber’s issue and read and the pharmacist’s scan, read and claim', async () => {
    const ins = freshPatientIns();
    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', {
      token: prescriber,
      body: prescriptionRequest({ patient: { ins, firstName: 'Camille', lastName: 'Martin', birthDate: '1984-03-17', sex: 'F' } }),
    });
    expect(issued.status).toBe(201);
    const id: string = issued.body.id;
    expect((await system.request('prescribing', 'GET', `/v1/prescriptions/${id}`, { token: prescriber })).status).toBe(200);
    // Another prescriber's attempt is refused as not found, and recorded as such.
    expect((await system.request('prescribing', 'GET', `/v1/prescriptions/${id}`, { token: otherPrescriber })).status).toBe(404);

    await eventually(async () => {
      const read = await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist });
      return read.status === 200 ? read : undefined;
    });
    const scanned = await system.request('dispensing', 'POST', '/v1/scans', {
      token: pharmacist,
      body: { typedId: issued.body.displayId },
    });
    expect(scanned.status).toBe(200);
    expect((await claim(system, pharmacist, { typedId: id })).status).toBe(201);

    const atPrescribing = await system.request('prescribing', 'GET', `/v1/access-log?prescriptionId=${id}`, { token: auditor });
    expect(atPrescribing.status).toBe(200);
    expect(atPrescribing.body.items.map((item: any) => [item.action, item.actor.rpps, item.outcome.status])).toEqual([
      ['prescription.read', rpps('1000000101'), 404],
      ['prescription.read', rpps('1000000100'), 200],
      ['prescription.issue', rpps('1000000100'), 201],
    ]);
    const read = atPrescribing.body.items[1];
    expect(read).toMatchObject({
      prescriptionId: id,
      patientPseudonym: expect.any(String),
      actor: { role: 'prescriber', subject: `rpps:${rpps('1000000100')}`, finess: null },
      clientAddress: '127.0.0.1',
      outcome: { status: 200, code: null },
    });
    expect(Date.parse(read.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(atPrescribing.body.items[0].outcome.code).toBe('PRESCRIPTION_NOT_FOUND');
    // Written with the prescription, in the statement that issued it.
    expect(atPrescribing.body.items[2]).toMatchObject({
      prescriptionId: id,
      patientPseudonym: read.patientPseudonym,
      actor: { role: 'prescriber', subject: `rpps:${rpps('1000000100')}`, rpps: rpps('1000000100'), finess: null },
      clientAddress: '127.0.0.1',
      outcome: { status: 201, code: null },
    });

    // By patient, at dispensing: the auditor gives the INS; the log holds only its pseudonym.
    const atDispensing = await system.request('dispensing', 'GET', `/v1/access-log?patient=${ins}`, { token: auditor });
    expect(atDispensing.status).toBe(200);
    const actions = atDispensing.body.items.map((item: any) => item.action);
    expect(actions.slice(0, 2)).toEqual(['prescription.claim', 'prescription.scan']);
    expect(actions).toContain('prescription.read');
    // Written with the claim, in the statement that opened it.
    expect(atDispensing.body.items[0]).toMatchObject({
      actor: { role: 'pharmacist', rpps: rpps('2000000100') },
      clientAddress: '127.0.0.1',
      outcome: { status: 201, code: null },
    });
    for (const item of atDispensing.body.items) {
      expect(item).toMatchObject({
        prescriptionId: id,
        patientPseudonym: read.patientPseudonym,
        actor: { role: 'pharmacist', finess: finess('75000100') },
      });
    }
    expect(JSON.stringify(atDispensing.body)).not.toContain(ins);
  });

  it('records an issue retried with its Idempotency-Key once per answer, and an issue refused by the rules', async () => {
    const body = prescriptionRequest();
    const headers = { 'idempotency-key': `access-log-${Date.now()}` };
    const first = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: prescriber, body, headers });
    const again = await system.request('prescribing', 'POST', '/v1/prescriptions', { token: prescriber, body, headers });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    const records = await system.request('prescribing', 'GET', `/v1/access-log?prescriptionId=${first.body.id}`, { token: auditor });
    expect(records.body.items.map((item: any) => [item.action, item.outcome.status])).toEqual([
      ['prescription.issue', 201],
      ['prescription.issue', 201],
    ]);

    const db = await system.db('prescribing');
    const before = Number((await db.query(`SELECT count(*) AS n FROM access_log WHERE outcome_status = 422`)).rows[0].n);
    const refused = await system.request('prescribing', 'POST', '/v1/prescriptions', {
      token: prescriber,
      body: prescriptionRequest({
        lines: [
          {
            cip13: '3400933323523',
            label: 'SKENAN L.P. 10 mg',
            dosage: '1 gélule matin et soir',
            unit: 'gélule',
            quantity: 60,
            durationDays: 30,
            renewals: 0,
          },
        ],
      }),
    });
    expect(refused.status).toBe(422);
    expect(Number((await db.query(`SELECT count(*) AS n FROM access_log WHERE outcome_status = 422`)).rows[0].n)).toBe(before + 1);
  });

  it('is read by auditors only, by prescription or by patient', async () => {
    for (const token of [prescriber, pharmacist]) {
      expect((await system.request('prescribing', 'GET', '/v1/access-log?prescriptionId=VFQE-XDE5-Z7ZX-B6D7-41', { token })).status).toBe(
        403,
      );
    }
    const neither = await system.request('dispensing', 'GET', '/v1/access-log', { token: auditor });
    expect(neither.status).toBe(400);
    expect(neither.body.errors).toContainEqual(expect.objectContaining({ field: 'prescriptionId', rule: 'isDefined' }));
  });

  it('cannot be rewritten, and forgets only what is past its retention', async () => {
    const db = await system.db('prescribing');
    await expect(db.query(`UPDATE access_log SET actor_subject = 'someone-else'`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(db.query(`TRUNCATE access_log`)).rejects.toThrow(/append-only: TRUNCATE refused/);

    await db.query(
      `INSERT INTO access_log (at, action, actor_role, actor_subject, outcome_status)
       VALUES (now() - interval '40 days', 'prescription.read', 'prescriber', 'long-ago', 200)`,
    );
    const recent = Number((await db.query(`SELECT count(*) AS n FROM access_log WHERE actor_subject <> 'long-ago'`)).rows[0].n);
    await eventually(async () => {
      const { rows } = await db.query(`SELECT count(*) AS n FROM access_log WHERE actor_subject = 'long-ago'`);
      return Number(rows[0].n) === 0 ? true : undefined;
    }, 15_000);
    expect(Number((await db.query(`SELECT count(*) AS n FROM access_log WHERE actor_subject <> 'long-ago'`)).rows[0].n)).toBe(recent);
  });
});
