import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessTokenVerifier, AuthConfigurationInvalid, devTokenSigner, mintToken, MintRequestInvalid, resolveAuthSettings } from './index';

const RPPS = '10003000006';
const FINESS = '750712184';

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());

describe('token minting for development', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-auth-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the development key on first use, readable by its owner only, and reuses it after', () => {
    const devKeyFile = join(dir, 'nested', 'auth-dev-key.json');
    const first = devTokenSigner({ devKeyFile });
    expect(statSync(devKeyFile).mode & 0o777).toBe(0o600);
    const second = devTokenSigner({ devKeyFile });
    expect(second.keyId).toBe(first.keyId);
    expect(second.privateKey.equals(first.privateKey)).toBe(true);
    expect(JSON.parse(readFileSync(devKeyFile, 'utf8'))).toMatchObject({
      alg: 'EdDSA',
      kid: first.keyId,
      publicJwk: { kty: 'OKP', crv: 'Ed25519' },
    });
  });

  it('mints a token the services accept with the same key file', async () => {
    const devKeyFile = join(dir, 'auth-dev-key.json');
    const token = await mintToken({ role: 'prescriber', rpps: RPPS, name: 'Dr Claire Martin' }, devTokenSigner({ devKeyFile }));
    const verifier = AccessTokenVerifier.fromSettings(resolveAuthSettings({ devKeyFile }, {}));
    await expect(verifier.verify(token)).resolves.toEqual({
      subject: `rpps:${RPPS}`,
      roles: ['prescriber'],
      rpps: RPPS,
      name: 'Dr Claire Martin',
    });
  });

  it('signs with the issuer and audience of the environment, for one hour unless told otherwise', async () => {
    const devKeyFile = join(dir, 'auth-dev-key.json');
    const signer = devTokenSigner({}, { AUTH_DEV_KEY_FILE: devKeyFile, AUTH_ISSUER: 'ordo-staging', AUTH_AUDIENCE: 'ordo-api' });
    const before = Math.floor(Date.now() / 1000);
    const claims = claimsOf(await mintToken({ role: 'pharmacist', rpps: RPPS, finess: FINESS }, signer));
    expect(claims).toMatchObject({
      iss: 'ordo-staging',
      aud: 'ordo-api',
      sub: `rpps:${RPPS}`,
      roles: ['pharmacist'],
      rpps: RPPS,
      finess: FINESS,
    });
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.jti).toEqual(expect.any(String));
    expect(headerOf(await mintToken({ role: 'ops', ttlSeconds: 60 }, signer))).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: signer.keyId });
  });

  it.each([
    [{ role: 'prescriber' as const }, 'prescriber token requires an rpps claim'],
    [{ role: 'pharmacist' as const, rpps: RPPS }, 'pharmacist token requires a finess claim'],
    [{ role: 'prescriber' as const, rpps: '123' }, 'rpps claim must be 11 digits'],
    [{ role: 'admin' as never }, 'role must be one of prescriber, pharmacist, fraud-analyst, ops, auditor, not admin'],
    [{ role: 'ops' as const, ttlSeconds: 0 }, 'ttl must be a positive whole number of seconds, not 0'],
  ])('refuses to mint %j, which the services would refuse', async (request, reason) => {
    const signer = devTokenSigner({ devKeyFile: join(dir, 'auth-dev-key.json') });
    await expect(mintToken(request, signer)).rejects.toThrow(new MintRequestInvalid(reason));
  });

  it('refuses to sign when the services verify with another key', () => {
    const pem = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(() => devTokenSigner({}, { AUTH_PUBLIC_KEY: pem })).toThrow(AuthConfigurationInvalid);
    expect(() => devTokenSigner({}, { AUTH_PUBLIC_KEY: pem })).toThrow(/AUTH_PUBLIC_KEY is set/);
  });

  it('names AUTH_DEV_KEY_FILE and says what to do when the key file is damaged', () => {
    const devKeyFile = join(dir, 'auth-dev-key.json');
    writeFileSync(devKeyFile, '{ "alg": "EdDSA", ');
    expect(() => devTokenSigner({ devKeyFile })).toThrow(
      /^AUTH_DEV_KEY_FILE \(.*auth-dev-key\.json\) is not a usable development key file: .*delete it/,
    );
  });

  it('names AUTH_DEV_KEY_FILE when the key file cannot be created', () => {
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, '');
    expect(() => devTokenSigner({ devKeyFile: join(blocker, 'auth-dev-key.json') })).toThrow(
      /^AUTH_DEV_KEY_FILE \(.*\) cannot be read or created: /,
    );
  });
});
