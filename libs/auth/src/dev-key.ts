import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AuthConfigurationInvalid } from './auth-configuration-invalid';

/** The Ed25519 key pair that signs and verifies tokens on a developer's machine. */
export interface DevKeyPair {
  algorithm: 'EdDSA';
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

interface DevKeyFile {
  description: string;
  alg: 'EdDSA';
  kid: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/**
 * Reads the development key pair at `path`, making one first if there is none, so that the
 * services and the token minting tool agree on a key without anyone setting it up.
 */
export function loadOrCreateDevKeyPair(path: string): DevKeyPair {
  try {
    let text = readDevKeyFile(path);
    if (text === undefined) {
      createDevKeyFile(path);
      text = readFileSync(path, 'utf8');
    }
    return devKeyPairFrom(text, path);
  } catch (error) {
    if (error instanceof AuthConfigurationInvalid) throw error;
    throw new AuthConfigurationInvalid(`AUTH_DEV_KEY_FILE (${path}) cannot be read or created: ${(error as Error).message}`);
  }
}

function readDevKeyFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function createDevKeyFile(path: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicJwk = publicKey.export({ format: 'jwk' });
  const file: DevKeyFile = {
    description: 'Ordo development signing key. Never use it outside a developer machine or a test.',
    alg: 'EdDSA',
    kid: thumbprint(publicJwk),
    privateJwk: privateKey.export({ format: 'jwk' }),
    publicJwk,
  };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Several services start together under `make up`: each writes its own candidate and links it
  // into place, which fails for all but the first, so everyone ends up reading the same key and
  // nobody reads a half-written file.
  const candidate = `${path}.${randomUUID()}.tmp`;
  writeFileSync(candidate, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(candidate, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(candidate);
  }
}

function devKeyPairFrom(text: string, path: string): DevKeyPair {
  try {
    const file = JSON.parse(text) as Partial<DevKeyFile>;
    if (file.alg !== 'EdDSA' || typeof file.kid !== 'string' || typeof file.privateJwk !== 'object') {
      throw new Error('expected alg "EdDSA", kid and privateJwk');
    }
    const privateKey = createPrivateKey({ key: file.privateJwk, format: 'jwk' });
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('privateJwk is not an Ed25519 key');
    // The public half is derived, not read, so the two can never disagree.
    return { algorithm: 'EdDSA', keyId: file.kid, privateKey, publicKey: createPublicKey(privateKey) };
  } catch (error) {
    throw new AuthConfigurationInvalid(
      `AUTH_DEV_KEY_FILE (${path}) is not a usable development key file: ${(error as Error).message}; ` +
        'delete it and a new one will be made',
    );
  }
}

/** RFC 7638 thumbprint, so the key id names the key and changes when the key does. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}
