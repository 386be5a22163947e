import { text } from '@ordo/config';
import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

// The keys that sign and verify QR tokens. Keys rotate by key id (kid): the active key signs,
// retired keys still verify codes already printed, revoked keys make their codes fail.

export type SigningKeyStatus = 'active' | 'retired' | 'revoked';

/** One key as configured: PEM text, the private half only where this service signs. */
export interface SigningKeyConfig {
  kid: string;
  publicKeyPem: string;
  privateKeyPem?: string;
  status: SigningKeyStatus;
}

export interface KeyRingConfig {
  /** The key that signs new tokens; leave it out in a service that only verifies. */
  activeKid?: string;
  keys: SigningKeyConfig[];
}

/** A public key as published by `GET /v1/keys`; it is also a valid `SigningKeyConfig`. */
export interface PublishedSigningKey {
  kid: string;
  status: SigningKeyStatus;
  algorithm: 'Ed25519';
  publicKeyPem: string;
  jwk: Ed25519PublicJwk;
}

export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The 32-byte public key, base64url. */
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface RingKey {
  kid: string;
  status: SigningKeyStatus;
  publicKey: KeyObject;
}

/** Where the configuration came from, so that errors name what the operator must fix. */
export interface KeyRingSource {
  keys: string;
  activeKid: string;
}

export const QR_SIGNING_KEYS = 'QR_SIGNING_KEYS';
export const QR_ACTIVE_KID = 'QR_ACTIVE_KID';

/** The QR key ring's settings, as text; `keyRingFromEnv` settles what they mean. */
export const qrKeySettings = {
  [QR_SIGNING_KEYS]: text({
    secret: true,
    default: undefined,
    defaultText: 'development key',
    accepts: 'a JSON array of `{kid, publicKeyPem, privateKeyPem?, status}`',
    desc: 'QR token keys, see `libs/rx-id/README.md`; required in production',
  }),
  [QR_ACTIVE_KID]: text({
    default: undefined,
    defaultText: '`dev-1` with the development key',
    desc: 'the kid that signs new QR tokens (prescribing)',
  }),
};

/** A kid travels inside the token between dots, so it is kept short and dot-free. */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const KID_RULE = '1 to 32 characters of A-Z a-z 0-9 _ -';
const STATUSES: readonly SigningKeyStatus[] = ['active', 'retired', 'revoked'];
const KEY_SHAPE = '{kid, publicKeyPem, privateKeyPem?, status}';

export class KeyRingConfigError extends Error {
  readonly code = 'KEY_RING_CONFIG_INVALID';

  constructor(
    /** The setting to fix, e.g. `QR_SIGNING_KEYS`. */
    readonly setting: string,
    detail: string,
  ) {
    super(`${setting}: ${detail}`);
    this.name = 'KeyRingConfigError';
  }
}

export class KeyRing {
  private constructor(
    private readonly byKid: ReadonlyMap<string, RingKey>,
    private readonly signing: { kid: string; privateKey: KeyObject } | undefined,
  ) {}

  /** Parses every PEM once, here, so signing and verifying never re-parse a key. */
  static fromConfig(config: KeyRingConfig, source: KeyRingSource = { keys: 'keys', activeKid: 'activeKid' }): KeyRing {
    if (!config || !Array.isArray(config.keys) || config.keys.length === 0) {
      throw new KeyRingConfigError(source.keys, `expected a non-empty array of ${KEY_SHAPE}`);
    }
    const byKid = new Map<string, RingKey>();
    const privateKeys = new Map<string, KeyObject>();
    config.keys.forEach((entry: unknown, index) => {
      const key = loadKey(entry, `entry ${index + 1}`, source.keys);
      if (byKid.has(key.kid)) throw new KeyRingConfigError(source.keys, `kid '${key.kid}' appears twice`);
      byKid.set(key.kid, key);
      if (key.privateKey) privateKeys.set(key.kid, key.privateKey);
    });

    const activeKid = config.activeKid;
    if (activeKid === undefined || activeKid === '') return new KeyRing(byKid, undefined);
    const active = byKid.get(activeKid);
    if (!active) {
      throw new KeyRingConfigError(source.activeKid, `kid '${activeKid}' is not among the keys in ${source.keys}`);
    }
    if (active.status !== 'active') {
      const detail = `key '${activeKid}' has status '${active.status}'; only an active key may sign`;
      throw new KeyRingConfigError(source.activeKid, detail);
    }
    const privateKey = privateKeys.get(activeKid);
    if (!privateKey) {
      throw new KeyRingConfigError(source.keys, `key '${activeKid}' is the active key but has no privateKeyPem`);
    }
    return new KeyRing(byKid, { kid: activeKid, privateKey });
  }

  /** The key that signs new tokens, if this ring can sign. */
  get activeKid(): string | undefined {
    return this.signing?.kid;
  }

  signingKey(): { kid: string; privateKey: KeyObject } | undefined {
    return this.signing;
  }

  key(kid: string): RingKey | undefined {
    return this.byKid.get(kid);
  }

  /**
   * Every key with its status, revoked ones included, for `GET /v1/keys`: a pharmacy can then
   * tell a revoked key from one it has never heard of. The result can be fed back to
   * `KeyRing.fromConfig({ keys })` by a service that only verifies.
   */
  publicKeys(): PublishedSigningKey[] {
    return [...this.byKid.values()].map(({ kid, status, publicKey }) => ({
      kid,
      status,
      algorithm: 'Ed25519',
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      jwk: toJwk(kid, publicKey),
    }));
  }

  /**
   * A standard JWKS. Revoked keys are left out: a generic JWKS client ignores any status field
   * and would keep trusting them. Use `publicKeys()` to see revocations.
   */
  publicJwks(): { keys: Ed25519PublicJwk[] } {
    return {
      keys: [...this.byKid.values()].filter((k) => k.status !== 'revoked').map((k) => toJwk(k.kid, k.publicKey)),
    };
  }
}

function toJwk(kid: string, publicKey: KeyObject): Ed25519PublicJwk {
  const { x } = publicKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: String(x), kid, alg: 'EdDSA', use: 'sig' };
}

function loadKey(entry: unknown, where: string, setting: string): RingKey & { privateKey?: KeyObject } {
  if (typeof entry !== 'object' || entry === null) throw new KeyRingConfigError(setting, `${where} is not an object`);
  const { kid, publicKeyPem, privateKeyPem, status } = entry as Record<string, unknown>;
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
    throw new KeyRingConfigError(setting, `${where}: kid must be ${KID_RULE}, got ${JSON.stringify(kid)}`);
  }
  const named = `key '${kid}'`;
  if (typeof status !== 'string' || !STATUSES.includes(status as SigningKeyStatus)) {
    const detail = `status must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(status)}`;
    throw new KeyRingConfigError(setting, `${named}: ${detail}`);
  }
  const publicKey = parseEd25519(publicKeyPem, 'public', named, setting);
  if (privateKeyPem === undefined || privateKeyPem === null || privateKeyPem === '') {
    return { kid, status: status as SigningKeyStatus, publicKey };
  }
  const privateKey = parseEd25519(privateKeyPem, 'private', named, setting);
  const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!derived.equals(publicKey.export({ type: 'spki', format: 'der' }))) {
    const detail = 'privateKeyPem and publicKeyPem are not halves of the same key pair';
    throw new KeyRingConfigError(setting, `${named}: ${detail}`);
  }
  return { kid, status: status as SigningKeyStatus, publicKey, privateKey };
}

function parseEd25519(pem: unknown, half: 'public' | 'private', named: string, setting: string): KeyObject {
  const field = half === 'public' ? 'publicKeyPem' : 'privateKeyPem';
  if (typeof pem !== 'string') throw new KeyRingConfigError(setting, `${named}: ${field} is missing`);
  // createPublicKey would quietly derive a public key from a private PEM; a private key pasted
  // here would then be copied to every verifying service.
  if (half === 'public' && pem.includes('PRIVATE KEY')) {
    throw new KeyRingConfigError(setting, `${named}: ${field} holds a private key; put only the public key there`);
  }
  let key: KeyObject;
  try {
    key = half === 'public' ? createPublicKey(pem) : createPrivateKey(pem);
  } catch {
    throw new KeyRingConfigError(setting, `${named}: ${field} is not a readable PEM ${half} key`);
  }
  if (key.type !== half || key.asymmetricKeyType !== 'ed25519') {
    throw new KeyRingConfigError(
      setting,
      `${named}: ${field} must be an Ed25519 ${half} key, got ${key.asymmetricKeyType ?? 'unknown'} ${key.type}`,
    );
  }
  return key;
}

/**
 * The key ring from the environment:
 * - `QR_SIGNING_KEYS`: JSON array of `{ kid, publicKeyPem, privateKeyPem?, status }`
 *   (PEM line breaks written `\n` inside the JSON strings);
 * - `QR_ACTIVE_KID`: the kid that signs; required when `requireSigningKey` is set.
 * Throws `KeyRingConfigError` naming the variable, so the service stops at start-up.
 */
export function keyRingFromEnv(
  env: Partial<Record<typeof QR_SIGNING_KEYS | typeof QR_ACTIVE_KID, string>> = process.env,
  options: { requireSigningKey?: boolean } = {},
): KeyRing {
  const raw = env[QR_SIGNING_KEYS];
  if (raw === undefined || raw.trim() === '') {
    throw new KeyRingConfigError(QR_SIGNING_KEYS, `is not set; expected a JSON array of ${KEY_SHAPE}`);
  }
  let keys: unknown;
  try {
    keys = JSON.parse(raw);
  } catch {
    throw new KeyRingConfigError(QR_SIGNING_KEYS, `is not valid JSON; expected an array of ${KEY_SHAPE}`);
  }
  if (!Array.isArray(keys)) {
    throw new KeyRingConfigError(QR_SIGNING_KEYS, `must be a JSON array of ${KEY_SHAPE}`);
  }
  const activeKid = env[QR_ACTIVE_KID]?.trim() || undefined;
  if (options.requireSigningKey && !activeKid) {
    const detail = 'is not set; this service signs QR tokens and needs the kid of its active key';
    throw new KeyRingConfigError(QR_ACTIVE_KID, detail);
  }
  return KeyRing.fromConfig({ activeKid, keys }, { keys: QR_SIGNING_KEYS, activeKid: QR_ACTIVE_KID });
}

/** A fresh Ed25519 key pair as PEM, for development tooling and tests. */
export function generateSigningKey(kid: string, status: SigningKeyStatus = 'active'): Required<SigningKeyConfig> {
  if (!KID_PATTERN.test(kid)) throw new RangeError(`kid must be ${KID_RULE}, got ${JSON.stringify(kid)}`);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { kid, status, publicKeyPem: publicKey, privateKeyPem: privateKey };
}
