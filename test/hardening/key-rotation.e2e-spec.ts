import { Topics } from '@ordo/contracts';
import { generateSigningKey } from '@ordo/rx-id';
import { scanQr } from '../printing/qr-scan';
import { finess, freshPatientIns, prescriptionRequest, rpps } from '../support/fixtures';
import { InstanceOptions, OrdoSystem, eventually } from '../support/ordo-system';
import { dispense } from '../support/pharmacy';
import { readTopic } from '../support/topic-reader';
import { newSymmetricKey, patientBlockSettings, qrSigningSettings, qrVerifyingSettings, withStatus } from './key-rotation-keys';

/** Ports of this suite's services, apart from the other suites'. */
const BASE_PORT = 23100;

/**
 * Three dispensing instances on one database, one for each way of holding the QR keys:
 * - FETCHES asks prescribing's `GET /v1/keys` and refreshes every 5 minutes (the default), so it
 *   learns a new key from the first code that names it;
 * - CONFIGURED is given `QR_SIGNING_KEYS` and learns anything only when restarted with new ones;
 * - REFRESHES fetches every 1.5 s, so a revocation reaches it without a restart.
 */
const FETCHES: InstanceOptions = { instance: 0 };
const CONFIGURED: InstanceOptions = { instance: 1 };
const REFRESHES: InstanceOptions = { instance: 2 };
const EVERY_DISPENSING = [FETCHES, CONFIGURED, REFRESHES];

const JANUARY_BLOCK_KID = 'pb-2026-01';
const JULY_BLOCK_KID = 'pb-2026-07';

const kidOf = (code: string) => code.split('.')[2];

/**
 * Rotating the QR signing keys and the patient block keys on running services, the way
 * docs/security.md#rotating-keys tells an operator to. The tests are the steps of one rotation,
 * in order: each starts from the keys the one before it left.
 */
describe('key rotation', () => {
  const qrJanuary = generateSigningKey('qr-2026-01');
  const qrJuly = generateSigningKey('qr-2026-07');
  const blockJanuary = newSymmetricKey();
  const blockJuly = newSymmetricKey();

  let system: OrdoSystem;
  let prescriber: string;
  let pharmacist: string;

  // What each service was last started with, so that a restart for one key keeps the others.
  let prescribingQr = qrSigningSettings([qrJanuary], qrJanuary.kid);
  let prescribingBlockKeys = patientBlockSettings({ [JANUARY_BLOCK_KID]: blockJanuary }, JANUARY_BLOCK_KID);
  const dispensingQr: NodeJS.ProcessEnv[] = [{}, qrVerifyingSettings([qrJanuary]), { QR_KEYS_REFRESH_MS: '1500' }];
  let dispensingBlockKeys = prescribingBlockKeys;

  // Printed before any rotation, under January's keys.
  let shown: string;
  let shownCode: string;
  let claimed: string;
  let claimedCode: string;
  // Issued once July's QR key signs, while January's block key still seals.
  let issuedAfter: string;
  let issuedAfterCode: string;
  let shownReprint: string;

  async function restartPrescribing(): Promise<void> {
    await system.stopService('prescribing');
    await system.startService('prescribing', { env: { ...prescribingQr, ...prescribingBlockKeys } });
  }

  async function startDispensing({ instance = 0 }: InstanceOptions, blockKeys = dispensingBlockKeys): Promise<void> {
    await system.startService('dispensing', { instance, env: { ...dispensingQr[instance], ...blockKeys } });
  }

  async function restartDispensing(at: InstanceOptions, blockKeys = dispensingBlockKeys): Promise<void> {
    await system.stopService('dispensing', at);
    await startDispensing(at, blockKeys);
  }

  async function issue(lastName: string): Promise<string> {
    const patient = { ins: freshPatientIns(), firstName: 'Camille', lastName, birthDate: '1984-03-17', sex: 'F' };
    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', {
      token: prescriber,
      body: prescriptionRequest({ patient }),
    });
    expect(issued.status).toBe(201);
    const id: string = issued.body.id;
    await eventually(
      async () =>
        (await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist })).status === 200 ? true : undefined,
      30000,
      `${id} to reach dispensing`,
    );
    return id;
  }

  /** What the patient carries: the code of the QR image prescribing prints now, read as a scanner would. */
  async function printedCode(id: string): Promise<string> {
    const image = await fetch(`${system.url('prescribing')}/v1/prescriptions/${id}/qr.png`, {
      headers: { authorization: `Bearer ${prescriber}` },
    });
    expect(image.status).toBe(200);
    const code = await scanQr(Buffer.from(await image.arrayBuffer()));
    expect(code).toMatch(/^ORDO1\./);
    return code!;
  }

  function scan(code: string, at: InstanceOptions) {
    return system.request('dispensing', 'POST', '/v1/scans', { token: pharmacist, body: { code }, ...at });
  }

  function claimWith(code: string, at: InstanceOptions) {
    return system.request('dispensing', 'POST', '/v1/claims', { token: pharmacist, body: { code }, ...at });
  }

  async function sealedUnder(id: string): Promise<string> {
    const db = await system.db('dispensing');
    const { rows } = await db.query(`SELECT patient->>'kid' AS kid FROM dispensable_prescription WHERE id = $1`, [id]);
    return rows[0]?.kid;
  }

  beforeAll(async () => {
    system = await OrdoSystem.start(BASE_PORT, [], {
      // No fraud service here: claims on ordinary medicines go ahead when it does not answer.
      FRAUD_CHECK_TIMEOUT_MS: '50',
      PATIENT_PSEUDONYM_KEY: newSymmetricKey(),
    });
    try {
      await system.startService('prescribing', { env: { ...prescribingQr, ...prescribingBlockKeys } });
      await Promise.all(EVERY_DISPENSING.map((at) => startDispensing(at)));
    } catch (error) {
      await system.stop();
      throw error;
    }
    prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000002300') });
    pharmacist = await system.token({ role: 'pharmacist', finess: finess('75002300'), rpps: rpps('2000002300') });

    shown = await issue('Lefebvre');
    claimed = await issue('Moreau');
    shownCode = await printedCode(shown);
    claimedCode = await printedCode(claimed);
    expect([kidOf(shownCode), kidOf(claimedCode)]).toEqual([qrJanuary.kid, qrJanuary.kid]);
    for (const at of EVERY_DISPENSING) {
      expect((await scan(shownCode, at)).body).toMatchObject({ verification: 'genuine', prescription: { id: shown } });
    }
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('keeps codes printed under a retired key genuine at scan and claim, signs new codes with the new key, and a dispensing that fetches its keys learns it without a restart', async () => {
    // A dispensing with keys of its own is given the new public key before prescribing signs with it.
    dispensingQr[CONFIGURED.instance!] = qrVerifyingSettings([withStatus(qrJanuary, 'retired'), qrJuly]);
    await restartDispensing(CONFIGURED);
    // FETCHES fetches the keys moments before prescribing switches (here because it restarts; in
    // service, a periodic refresh): the first code naming the new key must still be taken.
    await restartDispensing(FETCHES);
    prescribingQr = qrSigningSettings([withStatus(qrJanuary, 'retired'), qrJuly], qrJuly.kid);
    await restartPrescribing();

    const published = await system.request('prescribing', 'GET', '/v1/keys');
    expect(published.body.keys.map((key: { kid: string; status: string }) => [key.kid, key.status])).toEqual([
      [qrJanuary.kid, 'retired'],
      [qrJuly.kid, 'active'],
    ]);

    // A reprint is signed anew, so a patient whose paper bears a revoked key can be given a good one.
    shownReprint = await printedCode(shown);
    expect(kidOf(shownReprint)).toBe(qrJuly.kid);
    // FETCHES knows only January's key: counters scanning July's codes at the same moment all
    // wait for the one fetch that brings it.
    const atOnce = await Promise.all(Array.from({ length: 6 }, () => scan(shownReprint, FETCHES)));
    expect(atOnce.map((scanned) => [scanned.status, scanned.body.code ?? scanned.body.verification])).toEqual(
      Array(6).fill([200, 'genuine']),
    );

    issuedAfter = await issue('Garnier');
    issuedAfterCode = await printedCode(issuedAfter);
    expect(kidOf(issuedAfterCode)).toBe(qrJuly.kid);

    for (const at of EVERY_DISPENSING) {
      for (const [code, id] of [
        [shownCode, shown],
        [issuedAfterCode, issuedAfter],
      ]) {
        const scanned = await scan(code, at);
        expect(scanned.status).toBe(200);
        expect(scanned.body).toMatchObject({ verification: 'genuine', prescription: { id } });
      }
    }

    const claimedNow = await claimWith(claimedCode, FETCHES);
    expect(claimedNow.status).toBe(201);
    expect(claimedNow.body.prescription.id).toBe(claimed);
    expect((await dispense(system, pharmacist, claimedNow.body)).status).toBe(201);
  });

  it('refuses codes of a revoked key as REVOKED_SIGNING_KEY at scan and claim, and records them as revoked-key, while the active key’s codes still verify', async () => {
    const startedAt = Date.now() - 1000;
    dispensingQr[CONFIGURED.instance!] = qrVerifyingSettings([withStatus(qrJanuary, 'revoked'), qrJuly]);
    await restartDispensing(CONFIGURED);
    prescribingQr = qrSigningSettings([withStatus(qrJanuary, 'revoked'), qrJuly], qrJuly.kid);
    await restartPrescribing();

    // REFRESHES learns of the revocation at its next refresh, without a restart.
    const refused = await eventually(
      async () => {
        const scanned = await scan(shownCode, REFRESHES);
        return scanned.status === 422 ? scanned : undefined;
      },
      15000,
      'the revocation to reach dispensing',
    );
    expect(refused.body.code).toBe('REVOKED_SIGNING_KEY');
    for (const at of [CONFIGURED, REFRESHES]) {
      const scanned = await scan(shownCode, at);
      expect([scanned.status, scanned.body.code]).toEqual([422, 'REVOKED_SIGNING_KEY']);
      const claimedRevoked = await claimWith(shownCode, at);
      expect([claimedRevoked.status, claimedRevoked.body.code]).toEqual([422, 'REVOKED_SIGNING_KEY']);
      for (const [code, id] of [
        [issuedAfterCode, issuedAfter],
        [shownReprint, shown],
      ]) {
        expect((await scan(code, at)).body).toMatchObject({ verification: 'genuine', prescription: { id } });
      }
    }

    const revokedScan = (data: any) => data.outcome === 'revoked-key' && data.prescriptionId === shown && data.kid === qrJanuary.kid;
    const events = await readTopic(Topics.dispensing, (messages) =>
      messages.some((m) => m.event?.type === 'fr.ordo.dispensing.scanned.v1' && revokedScan(m.event.data)),
    );
    const recorded = events.filter(
      (m) => m.event?.type === 'fr.ordo.dispensing.scanned.v1' && revokedScan(m.event.data) && Date.parse(m.event.time) >= startedAt,
    );
    expect(recorded.length).toBeGreaterThanOrEqual(1);
    expect(recorded[0].event!.data).toMatchObject({ pharmacyFiness: finess('75002300'), pharmacistRpps: rpps('2000002300') });
  });

  it('still opens blocks sealed under the previous patient block key once a new one seals, and seals new blocks under it', async () => {
    expect(await sealedUnder(shown)).toBe(JANUARY_BLOCK_KID);
    // Every dispensing instance is given the new key first, then prescribing seals with it: a block
    // sealed under a key dispensing does not hold yet could not be shown to the pharmacist.
    dispensingBlockKeys = patientBlockSettings({ [JANUARY_BLOCK_KID]: blockJanuary, [JULY_BLOCK_KID]: blockJuly }, JANUARY_BLOCK_KID);
    await Promise.all(EVERY_DISPENSING.map((at) => restartDispensing(at)));
    prescribingBlockKeys = patientBlockSettings({ [JANUARY_BLOCK_KID]: blockJanuary, [JULY_BLOCK_KID]: blockJuly }, JULY_BLOCK_KID);
    await restartPrescribing();

    const earlier = await system.request('dispensing', 'GET', `/v1/prescriptions/${shown}`, { token: pharmacist });
    expect(earlier.status).toBe(200);
    expect(earlier.body.patient).toMatchObject({ firstName: 'Camille', lastName: 'Lefebvre' });
    const scanned = await scan(issuedAfterCode, FETCHES);
    expect(scanned.status).toBe(200);
    expect(scanned.body.prescription.patient).toMatchObject({ lastName: 'Garnier' });

    const sealedLater = await issue('Rousseau');
    expect(await sealedUnder(sealedLater)).toBe(JULY_BLOCK_KID);
    const isIssued = (m: { key: string | null; event?: { type: string } }) =>
      m.key === sealedLater && m.event?.type === 'fr.ordo.prescription.issued.v1';
    const issuedEvents = await readTopic(Topics.prescriptions, (messages) => messages.some(isIssued));
    expect((issuedEvents.find(isIssued)!.event!.data as { patient: { kid: string } }).patient.kid).toBe(JULY_BLOCK_KID);
    const later = await system.request('dispensing', 'GET', `/v1/prescriptions/${sealedLater}`, { token: pharmacist });
    expect(later.body.patient).toMatchObject({ lastName: 'Rousseau' });
  });

  it('cannot show a prescription sealed under a block key removed too early, and leaves it unclaimed, until the key is put back', async () => {
    const sealedLater = await issue('Fontaine');
    await restartDispensing(FETCHES, patientBlockSettings({ [JULY_BLOCK_KID]: blockJuly }, JULY_BLOCK_KID));

    const unreadable = await system.request('dispensing', 'GET', `/v1/prescriptions/${issuedAfter}`, { token: pharmacist });
    expect([unreadable.status, unreadable.body.code]).toEqual([503, 'PATIENT_KEY_UNAVAILABLE']);
    const claimedUnreadable = await claimWith(issuedAfterCode, FETCHES);
    expect([claimedUnreadable.status, claimedUnreadable.body.code]).toEqual([503, 'PATIENT_KEY_UNAVAILABLE']);
    // The operator's clue is in the log: which key is missing.
    expect(system.output('dispensing').some((line) => line.includes(`no patient block key ${JANUARY_BLOCK_KID}`))).toBe(true);
    const readable = await system.request('dispensing', 'GET', `/v1/prescriptions/${sealedLater}`, { token: pharmacist });
    expect(readable.body.patient).toMatchObject({ lastName: 'Fontaine' });

    await restartDispensing(FETCHES);
    const claimedAgain = await claimWith(issuedAfterCode, FETCHES);
    expect(claimedAgain.status).toBe(201);
    expect(claimedAgain.body.prescription.patient).toMatchObject({ lastName: 'Garnier' });
  });
});
