import { devTokenSigner, mintToken } from '@ordo/auth';
import { KeyRing, QrTokenSigner, generateSigningKey } from '@ordo/rx-id';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanQr } from '../printing/qr-scan';
import { finess, freshPatientIns, prescriptionRequest, rpps } from '../support/fixtures';
import { OrdoSystem, PrintedLine, eventually } from '../support/ordo-system';
import { claim, dispense } from '../support/pharmacy';
import { newSymmetricKey, patientBlockSettings, qrSigningSettings } from './key-rotation-keys';

/** Ports of this suite's services, apart from the other suites'. */
const BASE_PORT = 23300;

/** The base64 between a PEM's armour lines, as one string: what a careless log would show of a key. */
function pemBody(pem: string): string {
  return pem
    .replace(/-----[A-Z ]+-----/g, '')
    .replace(/\s+/g, '')
    .trim();
}

/**
 * Every line the four services print, at the most talkative level, through a whole lifecycle and
 * the refusals around it, holds none of what would let a reader act as someone or learn who a
 * patient is: tokens, keys, the claim secret, the patient's INS and name.
 */
describe('no secret in any log', () => {
  const authKeyDirectory = mkdtempSync(join(tmpdir(), 'ordo-no-secrets-'));
  const authKeyFile = join(authKeyDirectory, 'auth-key.json');
  const qrKey = generateSigningKey('qr-2026-01');
  const blockKey = newSymmetricKey();
  const pseudonymKey = newSymmetricKey();
  const patient = { ins: freshPatientIns(), firstName: 'Ysoline', lastName: 'Quernec-Vautrin', birthDate: '1971-11-23', sex: 'F' };

  let system: OrdoSystem;
  let stopped = false;
  /** What must never be printed, each with the name a failure shows instead of the value. */
  const secrets: [string, string][] = [];
  const keep = (what: string, value: string | undefined) => {
    expect(value?.length).toBeGreaterThanOrEqual(6);
    secrets.push([what, value!]);
  };

  beforeAll(async () => {
    system = await OrdoSystem.start(BASE_PORT, [], {
      LOG_LEVEL: 'debug',
      AUTH_DEV_KEY_FILE: authKeyFile,
      ...patientBlockSettings({ 'pb-2026-01': blockKey }, 'pb-2026-01'),
      PATIENT_PSEUDONYM_KEY: pseudonymKey,
    });
    try {
      // Made before the services start, so they all read the one key.
      await system.token({ role: 'ops' });
      await Promise.all([
        system.startService('prescribing', { env: qrSigningSettings([qrKey], qrKey.kid) }),
        system.startService('dispensing'),
        system.startService('fraud'),
        system.startService('ops'),
      ]);
    } catch (error) {
      await system.stop();
      throw error;
    }
  });

  afterAll(async () => {
    if (!stopped) await system?.stop();
    rmSync(authKeyDirectory, { recursive: true, force: true });
  });

  it('refuses to start on a key that is misplaced or of the wrong size, naming the setting and never printing the key', async () => {
    const misplaced = generateSigningKey('qr-misplaced');
    const shortBlockKey = newSymmetricKey().slice(0, 24);
    const shortPseudonymKey = newSymmetricKey().slice(0, 20);
    const starts: [NodeJS.ProcessEnv, string, string][] = [
      [
        qrSigningSettings([{ ...misplaced, publicKeyPem: misplaced.privateKeyPem }], misplaced.kid),
        "QR_SIGNING_KEYS: key 'qr-misplaced': publicKeyPem holds a private key",
        pemBody(misplaced.privateKeyPem),
      ],
      [patientBlockSettings({ 'pb-short': shortBlockKey }, 'pb-short'), 'PATIENT_BLOCK_KEYS: key pb-short must be 32 bytes', shortBlockKey],
      [{ PATIENT_PSEUDONYM_KEY: shortPseudonymKey }, 'PATIENT_PSEUDONYM_KEY must be at least 32 bytes', shortPseudonymKey],
    ];
    for (const [index, [env, reason, key]] of starts.entries()) {
      // Beside the running prescribing, which keeps its port.
      const instance = index + 1;
      await expect(
        system.startService('prescribing', { instance, env: { ...qrSigningSettings([qrKey], qrKey.kid), ...env } }),
      ).rejects.toThrow(/exited with 1/);
      const printedBy = () => system.printed().filter((line) => line.service === `prescribing#${instance}`);
      // The process may be seen to exit before its last lines are read.
      await eventually(async () => (printedBy().some((line) => line.line.includes(reason)) ? true : undefined), 5000, reason);
      expect(printedBy().filter((line) => line.line.includes(key))).toEqual([]);
    }
  });

  it('prints no token, key, claim secret or patient identity through a lifecycle and refused calls, at LOG_LEVEL=debug', async () => {
    const prescriber = await system.token({ role: 'prescriber', rpps: rpps('1000002330') });
    const pharmacist = await system.token({ role: 'pharmacist', finess: finess('75002330'), rpps: rpps('2000002330') });
    const analyst = await system.token({ role: 'fraud-analyst' });
    const ops = await system.token({ role: 'ops' });
    const auditor = await system.token({ role: 'auditor', subject: 'cnil-audit-2330' });
    const strangersKey = mkdtempSync(join(tmpdir(), 'ordo-stranger-'));
    const stranger = await mintToken(
      { role: 'prescriber', rpps: rpps('1000002331') },
      devTokenSigner({}, { ...process.env, AUTH_DEV_KEY_FILE: join(strangersKey, 'key.json') }),
    );
    rmSync(strangersKey, { recursive: true, force: true });
    // The pharmacist's token with its payload claiming another role: the signature no longer holds.
    const [header, , signature] = pharmacist.split('.');
    const tampered = [header, Buffer.from(JSON.stringify({ roles: ['prescriber'], sub: 'x' })).toString('base64url'), signature].join('.');
    const tokens: [string, string][] = [
      ['prescriber', prescriber],
      ['pharmacist', pharmacist],
      ['fraud-analyst', analyst],
      ['ops', ops],
      ['auditor', auditor],
      ['stranger', stranger],
      ['tampered', tampered],
    ];

    // The lifecycle: issue, print, scan, claim, dispense, with the reads around it.
    const issued = await system.request('prescribing', 'POST', '/v1/prescriptions', {
      token: prescriber,
      body: prescriptionRequest({ patient }),
    });
    expect(issued.status).toBe(201);
    const id: string = issued.body.id;
    expect((await system.request('prescribing', 'GET', `/v1/prescriptions?patient=${patient.ins}`, { token: prescriber })).status).toBe(
      200,
    );
    const image = await fetch(`${system.url('prescribing')}/v1/prescriptions/${id}/qr.png`, {
      headers: { authorization: `Bearer ${prescriber}` },
    });
    const code = (await scanQr(Buffer.from(await image.arrayBuffer())))!;
    expect(code.split('.')[2]).toBe(qrKey.kid);
    await eventually(
      async () =>
        (await system.request('dispensing', 'GET', `/v1/prescriptions/${id}`, { token: pharmacist })).status === 200 ? true : undefined,
      30000,
      'the prescription to reach dispensing',
    );
    const scanned = await system.request('dispensing', 'POST', '/v1/scans', { token: pharmacist, body: { code } });
    expect(scanned.body.prescription.patient).toMatchObject({ lastName: patient.lastName });
    const claimed = await claim(system, pharmacist, { code });
    expect(claimed.status).toBe(201);
    const guessedSecret = 'x'.repeat(32);
    const wrongSecret = await dispense(system, pharmacist, { claimId: claimed.body.claimId, secret: guessedSecret });
    expect(wrongSecret.status).toBeGreaterThanOrEqual(400);
    expect((await dispense(system, pharmacist, claimed.body)).status).toBe(201);
    for (const service of ['prescribing', 'dispensing'] as const) {
      const seen = await system.request(service, 'GET', `/v1/access-log?patient=${patient.ins}`, { token: auditor });
      expect(seen.status).toBe(200);
    }
    expect((await system.request('fraud', 'GET', `/v1/alerts?prescriptionId=${id}`, { token: analyst })).status).toBe(200);
    expect((await system.request('ops', 'GET', `/v1/events?subject=${id}`, { token: ops })).status).toBe(200);

    // The live stream takes its token in the address, the one place a token sits in a URL.
    for (const [token, status] of [
      [ops, 200],
      [pharmacist, 403],
      [tampered, 401],
    ] as const) {
      const aborted = new AbortController();
      const live = await fetch(`${system.url('ops')}/v1/events/live?token=${token}`, { signal: aborted.signal });
      expect(live.status).toBe(status);
      aborted.abort();
    }

    // Refused calls: no token that holds, the wrong role, a forged code.
    const refusals: [Parameters<OrdoSystem['request']>, number][] = [
      [['prescribing', 'GET', `/v1/prescriptions/${id}`, { headers: { authorization: 'Bearer not-a-token' } }], 401],
      [['prescribing', 'GET', `/v1/prescriptions/${id}`, { token: stranger }], 401],
      [['dispensing', 'POST', '/v1/scans', { token: tampered, body: { code } }], 401],
      [['prescribing', 'POST', '/v1/prescriptions', { token: pharmacist, body: prescriptionRequest({ patient }) }], 403],
      [['dispensing', 'POST', '/v1/scans', { token: prescriber, body: { code } }], 403],
      [['prescribing', 'GET', `/v1/access-log?patient=${patient.ins}`, { token: prescriber }], 403],
      [['fraud', 'GET', '/v1/alerts', { token: pharmacist }], 403],
      [['ops', 'GET', '/v1/events', { token: auditor }], 403],
    ];
    for (const [call, status] of refusals) expect((await system.request(...call)).status).toBe(status);
    const forged = new QrTokenSigner(KeyRing.fromConfig({ activeKid: qrKey.kid, keys: [generateSigningKey(qrKey.kid)] })).sign(id as never);
    expect((await system.request('dispensing', 'POST', '/v1/scans', { token: pharmacist, body: { code: forged } })).body.code).toBe(
      'FORGED_CODE',
    );

    // Stopping prints too: shut down before reading.
    await system.stop();
    stopped = true;

    for (const [who, token] of tokens) {
      keep(`the ${who} token`, token);
      keep(`the ${who} token's signature`, token.split('.')[2]);
    }
    const qrPrivate = createPrivateKey(qrKey.privateKeyPem).export({ format: 'jwk' }).d!;
    keep('the QR private key (PEM body)', pemBody(qrKey.privateKeyPem));
    keep('the QR private key (raw, base64url)', qrPrivate);
    keep('the QR private key (raw, base64)', Buffer.from(qrPrivate, 'base64url').toString('base64'));
    keep('the patient block key', blockKey);
    keep('the patient block key (base64url)', Buffer.from(blockKey, 'base64').toString('base64url'));
    keep('the pseudonym key', pseudonymKey);
    keep('the pseudonym key (base64url)', Buffer.from(pseudonymKey, 'base64').toString('base64url'));
    const authKey = JSON.parse(readFileSync(authKeyFile, 'utf8')) as { privateJwk: { d: string } };
    keep('the token signing key', authKey.privateJwk.d);
    keep('the claim secret', claimed.body.secret);
    keep('the guessed claim secret', guessedSecret);
    keep("the patient's INS", patient.ins);
    keep("the patient's first name", patient.firstName);
    keep("the patient's last name", patient.lastName);
    keep("the patient's birth date", patient.birthDate);

    const printed = system.printed();
    // The capture itself works: every service was heard from, at the level asked for.
    for (const service of ['prescribing', 'dispensing', 'fraud', 'ops']) {
      expect(printed.some((line) => line.service === service && line.line.includes('listening on'))).toBe(true);
    }
    const leaks = (lines: readonly PrintedLine[]) =>
      lines.flatMap(({ service, line }) =>
        secrets
          .filter(([, value]) => line.includes(value))
          .map(
            ([what]) => `${what} in ${service}: ${secrets.reduce((shown, [name, value]) => shown.split(value).join(`<${name}>`), line)}`,
          ),
      );
    expect(leaks(printed)).toEqual([]);
  });
});
