import { JsonWebKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { KeyRing, KeyRingConfigError, SigningKeyConfig, generateSigningKey, keyRingFromEnv } from './key-ring';

const current = generateSigningKey('2026-01');
const previous = generateSigningKey('2025-07', 'retired');
const leaked = generateSigningKey('2025-01', 'revoked');

function publicOnly({ kid, publicKeyPem, status }: SigningKeyConfig): SigningKeyConfig {
  return { kid, publicKeyPem, status };
}

function envWith(keys: unknown, activeKid?: string): Record<string, string | undefined> {
  return { QR_SIGNING_KEYS: typeof keys === 'string' ? keys : JSON.stringify(keys), QR_ACTIVE_KID: activeKid };
}

function configError(build: () => unknown): KeyRingConfigError {
  try {
    build();
  } catch (error) {
    if (error instanceof KeyRingConfigError) return error;
    throw error;
  }
  throw new Error('expected a KeyRingConfigError');
}

describe('keyRingFromEnv', () => {
  it('loads the keys and the active kid from QR_SIGNING_KEYS and QR_ACTIVE_KID', () => {
    const ring = keyRingFromEnv(envWith([current, publicOnly(previous), publicOnly(leaked)], '2026-01'));
    expect(ring.activeKid).toBe('2026-01');
    expect(ring.key('2025-07')?.status).toBe('retired');
    expect(ring.key('2025-01')?.status).toBe('revoked');
    expect(ring.key('nope')).toBeUndefined();
  });

  it('gives a verify-only ring when no active kid is set', () => {
    const ring = keyRingFromEnv(envWith([publicOnly(current)]));
    expect(ring.activeKid).toBeUndefined();
    expect(ring.signingKey()).toBeUndefined();
  });

  it.each([
    ['QR_SIGNING_KEYS is missing', {}, 'QR_SIGNING_KEYS', /is not set/],
    ['QR_SIGNING_KEYS is not JSON', envWith('[{kid:'), 'QR_SIGNING_KEYS', /not valid JSON/],
    ['QR_SIGNING_KEYS is not an array', envWith({ kid: 'a' }), 'QR_SIGNING_KEYS', /must be a JSON array/],
    ['QR_SIGNING_KEYS is empty', envWith([]), 'QR_SIGNING_KEYS', /non-empty array/],
    ['a kid holds a dot', envWith([{ ...current, kid: 'a.b' }]), 'QR_SIGNING_KEYS', /entry 1: kid must be/],
    ['a status is unknown', envWith([{ ...current, status: 'paused' }]), 'QR_SIGNING_KEYS', /key '2026-01': status must be one of/],
    ['a kid appears twice', envWith([current, { ...previous, kid: '2026-01' }]), 'QR_SIGNING_KEYS', /appears twice/],
    ['a public key is garbage', envWith([{ ...current, publicKeyPem: 'nope' }]), 'QR_SIGNING_KEYS', /publicKeyPem is not a readable PEM/],
    [
      'a public key is a private key',
      envWith([{ ...current, publicKeyPem: current.privateKeyPem }]),
      'QR_SIGNING_KEYS',
      /holds a private key/,
    ],
    [
      'the halves belong to different pairs',
      envWith([{ ...current, publicKeyPem: previous.publicKeyPem }], '2026-01'),
      'QR_SIGNING_KEYS',
      /not halves of the same key pair/,
    ],
    ['the active kid is unknown', envWith([current], 'other'), 'QR_ACTIVE_KID', /'other' is not among the keys in QR_SIGNING_KEYS/],
    ['the active kid is retired', envWith([current, previous], '2025-07'), 'QR_ACTIVE_KID', /status 'retired'/],
    ['the active key has no private half', envWith([publicOnly(current)], '2026-01'), 'QR_SIGNING_KEYS', /has no privateKeyPem/],
  ])('stops with an error naming the variable when %s', (_, env, variable, detail) => {
    const error = configError(() => keyRingFromEnv(env));
    expect(error.setting).toBe(variable);
    expect(error.code).toBe('KEY_RING_CONFIG_INVALID');
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toMatch(detail);
  });

  it('refuses keys that are not Ed25519', () => {
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const error = configError(() => keyRingFromEnv(envWith([{ kid: 'ec', status: 'active', publicKeyPem: ec.publicKey }])));
    expect(error.message).toBe("QR_SIGNING_KEYS: key 'ec': publicKeyPem must be an Ed25519 public key, got ec public");
  });

  it('requires QR_ACTIVE_KID in a service that signs', () => {
    const error = configError(() => keyRingFromEnv(envWith([current]), { requireSigningKey: true }));
    expect(error.setting).toBe('QR_ACTIVE_KID');
  });
});

describe('KeyRing public keys', () => {
  const ring = KeyRing.fromConfig({ activeKid: '2026-01', keys: [current, previous, leaked] });

  it('lists every key with its status for GET /v1/keys, revoked ones included, without private halves', () => {
    const published = ring.publicKeys();
    expect(published.map(({ kid, status }) => ({ kid, status }))).toEqual([
      { kid: '2026-01', status: 'active' },
      { kid: '2025-07', status: 'retired' },
      { kid: '2025-01', status: 'revoked' },
    ]);
    expect(JSON.stringify(published)).not.toContain('PRIVATE');
    expect(JSON.stringify(published)).not.toContain('"d"');
  });

  it('publishes keys that verify what the ring signs, as PEM and as an OKP/Ed25519 JWK', () => {
    const message = Buffer.from('ORDO1.7K3M9QXR2HVTWB4P03.2026-01');
    const signature = sign(null, message, ring.signingKey()!.privateKey);
    const [active] = ring.publicKeys();
    expect(active.jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: '2026-01', alg: 'EdDSA', use: 'sig' });
    expect(Buffer.from(active.jwk.x, 'base64url')).toHaveLength(32);
    expect(verify(null, message, createPublicKey({ key: { ...active.jwk } as JsonWebKey, format: 'jwk' }), signature)).toBe(true);
    expect(verify(null, message, createPublicKey(active.publicKeyPem), signature)).toBe(true);
  });

  it('can be rebuilt, verify-only, from what it publishes', () => {
    const verifier = KeyRing.fromConfig({ keys: ring.publicKeys() });
    expect(verifier.key('2025-01')?.status).toBe('revoked');
    expect(verifier.signingKey()).toBeUndefined();
  });

  it('leaves revoked keys out of the standard JWKS, which generic clients read without statuses', () => {
    expect(ring.publicJwks().keys.map((k) => k.kid)).toEqual(['2026-01', '2025-07']);
  });
});

describe('generateSigningKey', () => {
  it('returns a matching Ed25519 PEM pair', () => {
    const key = generateSigningKey('dev-1');
    expect(key).toEqual({
      kid: 'dev-1',
      status: 'active',
      publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY'),
      privateKeyPem: expect.stringContaining('BEGIN PRIVATE KEY'),
    });
    expect(KeyRing.fromConfig({ activeKid: 'dev-1', keys: [key] }).activeKid).toBe('dev-1');
  });

  it('refuses a kid that could not travel in a token', () => {
    expect(() => generateSigningKey('a.b')).toThrow(RangeError);
    expect(() => generateSigningKey('x'.repeat(33))).toThrow(RangeError);
  });
});
