import { ConfigOf, text } from '@ordo/config';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { EncryptedBlock } from './events/common';

/**
 * The patient's identity travels in events encrypted (AES-256-GCM, with a key id so keys can rotate)
 * and only dispensing holds the keys; everyone else links a patient's events through a keyed HMAC.
 */
export interface PatientIdentity {
  ins: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  sex: 'F' | 'M' | 'U';
}

export interface PatientKeys {
  /** kid → 32-byte key */
  blockKeys: Map<string, Buffer>;
  activeKid: string;
  pseudonymKey: Buffer;
}

const DEV_SECRET = 'ordo-development-only';

/**
 * Reads PATIENT_BLOCK_KEYS (JSON object kid → base64 32-byte key), PATIENT_BLOCK_ACTIVE_KID and
 * PATIENT_PSEUDONYM_KEY (base64). Outside production, missing keys fall back to fixed development keys.
 */
export const patientKeySettings = {
  PATIENT_BLOCK_KEYS: text({
    secret: true,
    default: undefined,
    defaultText: 'development key',
    accepts: 'a JSON object `{kid: base64 32-byte key}`',
    desc: 'keys of the encrypted patient block; required when `NODE_ENV=production`',
  }),
  PATIENT_BLOCK_ACTIVE_KID: text({ default: undefined, defaultText: 'first key', desc: 'the key that encrypts new blocks' }),
  PATIENT_PSEUDONYM_KEY: text({
    secret: true,
    default: undefined,
    defaultText: 'development key',
    accepts: 'a base64 key of at least 32 bytes',
    desc: 'HMAC key for patient pseudonyms; required in production',
  }),
};

export type PatientKeyValues = ConfigOf<typeof patientKeySettings> & { NODE_ENV?: string };

export function patientKeysFromEnv(env: Partial<Record<keyof PatientKeyValues, string>> = process.env): PatientKeys {
  const production = env.NODE_ENV === 'production';
  const blockKeys = new Map<string, Buffer>();
  if (env.PATIENT_BLOCK_KEYS) {
    let parsed: Record<string, string>;
    try {
      parsed = JSON.parse(env.PATIENT_BLOCK_KEYS);
    } catch {
      throw new Error('PATIENT_BLOCK_KEYS must be a JSON object of key id to base64 key');
    }
    for (const [kid, key] of Object.entries(parsed)) {
      const bytes = Buffer.from(key, 'base64');
      if (bytes.length !== 32) throw new Error(`PATIENT_BLOCK_KEYS: key ${kid} must be 32 bytes in base64`);
      blockKeys.set(kid, bytes);
    }
  } else if (production) {
    throw new Error('PATIENT_BLOCK_KEYS is required in production');
  } else {
    blockKeys.set('dev-1', createHash('sha256').update(`${DEV_SECRET}:block`).digest());
  }
  const activeKid = env.PATIENT_BLOCK_ACTIVE_KID ?? [...blockKeys.keys()][0];
  if (!blockKeys.has(activeKid)) throw new Error(`PATIENT_BLOCK_ACTIVE_KID ${activeKid} is not in PATIENT_BLOCK_KEYS`);
  let pseudonymKey: Buffer;
  if (env.PATIENT_PSEUDONYM_KEY) {
    pseudonymKey = Buffer.from(env.PATIENT_PSEUDONYM_KEY, 'base64');
    if (pseudonymKey.length < 32) throw new Error('PATIENT_PSEUDONYM_KEY must be at least 32 bytes in base64');
  } else if (production) {
    throw new Error('PATIENT_PSEUDONYM_KEY is required in production');
  } else {
    pseudonymKey = createHash('sha256').update(`${DEV_SECRET}:pseudonym`).digest();
  }
  return { blockKeys, activeKid, pseudonymKey };
}

export function pseudonymise(ins: string, keys: PatientKeys): string {
  return createHmac('sha256', keys.pseudonymKey).update(ins.replace(/\s+/g, '')).digest('base64url');
}

export function sealPatient(patient: PatientIdentity, keys: PatientKeys): EncryptedBlock {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.blockKeys.get(keys.activeKid)!, iv);
  cipher.setAAD(Buffer.from(keys.activeKid));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(patient), 'utf8'), cipher.final()]);
  return {
    kid: keys.activeKid,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** A block sealed under a key this service does not hold (removed too early, or not yet configured). */
export class PatientBlockKeyMissing extends Error {
  constructor(readonly kid: string) {
    super(`no patient block key ${kid}`);
    this.name = 'PatientBlockKeyMissing';
  }
}

export function openPatient(block: EncryptedBlock, keys: PatientKeys): PatientIdentity {
  const key = keys.blockKeys.get(block.kid);
  if (!key) throw new PatientBlockKeyMissing(block.kid);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(block.iv, 'base64'));
  decipher.setAAD(Buffer.from(block.kid));
  decipher.setAuthTag(Buffer.from(block.tag, 'base64'));
  const plain = Buffer.concat([decipher.update(Buffer.from(block.ciphertext, 'base64')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as PatientIdentity;
}
