import type { SigningKeyConfig, SigningKeyStatus } from '@ordo/rx-id';
import { randomBytes } from 'node:crypto';

/**
 * The settings an operator writes when keys are made or rotated, built the way docs/security.md
 * says to make them: an Ed25519 pair per QR kid, 32 random bytes per patient block key.
 */

/** A QR key at a point of its life: the same pair, another status. */
export function withStatus(key: SigningKeyConfig, status: SigningKeyStatus): SigningKeyConfig {
  return { ...key, status };
}

/** Prescribing's settings: the whole ring with private halves, and the kid that signs. */
export function qrSigningSettings(keys: SigningKeyConfig[], activeKid: string): NodeJS.ProcessEnv {
  return { QR_SIGNING_KEYS: JSON.stringify(keys), QR_ACTIVE_KID: activeKid };
}

/** A dispensing that is given its keys instead of fetching them gets the public halves only. */
export function qrVerifyingSettings(keys: SigningKeyConfig[]): NodeJS.ProcessEnv {
  return { QR_SIGNING_KEYS: JSON.stringify(keys.map(({ kid, publicKeyPem, status }) => ({ kid, publicKeyPem, status }))) };
}

/** What `openssl rand -base64 32` prints. */
export function newSymmetricKey(): string {
  return randomBytes(32).toString('base64');
}

export function patientBlockSettings(keys: Record<string, string>, activeKid: string): NodeJS.ProcessEnv {
  return { PATIENT_BLOCK_KEYS: JSON.stringify(keys), PATIENT_BLOCK_ACTIVE_KID: activeKid };
}
