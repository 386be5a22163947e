import { randomBytes } from 'node:crypto';
import { prescriptionIdCheckDigits } from './check-digits';
import { CROCKFORD_ALPHABET, encodeCrockford, foldCrockford } from './crockford';

/** The canonical prescription ID: 16 Crockford base32 characters then 2 check digits, no separators. */
export type PrescriptionId = string & { readonly __brand: 'PrescriptionId' };

export type PrescriptionIdParse = { ok: true; id: PrescriptionId } | { ok: false; reason: PrescriptionIdRejection };

/** 'format': not 16 base32 characters and 2 digits; 'check-digits': well formed, but a character is wrong. */
export type PrescriptionIdRejection = 'format' | 'check-digits';

export const PRESCRIPTION_ID_BODY_LENGTH = 16;
export const PRESCRIPTION_ID_LENGTH = 18;

/** 80 bits: unguessable, and no central counter to coordinate between instances. */
const RANDOM_BYTES = 10;
const CANONICAL = new RegExp(`^[${CROCKFORD_ALPHABET}]{16}[0-9]{2}$`);
const SEPARATORS = /[\s-]/g;
const TYPED_CHARACTERS = /^[0-9A-Za-z]*$/;
// Far longer than any honest typing of 18 characters with separators; refuse before any work.
const MAX_TYPED_LENGTH = 64;

export type RandomSource = (size: number) => Uint8Array;

/** A new prescription ID from 80 random bits; `random` is replaceable only so tests can drive it. */
export function generatePrescriptionId(random: RandomSource = randomBytes): PrescriptionId {
  const bytes = random(RANDOM_BYTES);
  if (bytes.length !== RANDOM_BYTES) throw new RangeError(`The random source must return ${RANDOM_BYTES} bytes`);
  const body = encodeCrockford(bytes);
  return (body + prescriptionIdCheckDigits(body)) as PrescriptionId;
}

/**
 * Reads an ID as a person types or a scanner reads it: any case, hyphens and spaces anywhere,
 * O for 0 and I or L for 1. Never throws.
 */
export function parsePrescriptionId(input: unknown): PrescriptionIdParse {
  if (typeof input !== 'string' || input.length > MAX_TYPED_LENGTH) return { ok: false, reason: 'format' };
  const compact = input.replace(SEPARATORS, '');
  // ASCII only, before upper-casing: 'ı'.toUpperCase() is 'I', which would then fold to 1.
  if (!TYPED_CHARACTERS.test(compact)) return { ok: false, reason: 'format' };
  const folded = foldCrockford(compact);
  if (!CANONICAL.test(folded)) return { ok: false, reason: 'format' };
  const body = folded.slice(0, PRESCRIPTION_ID_BODY_LENGTH);
  if (prescriptionIdCheckDigits(body) !== folded.slice(PRESCRIPTION_ID_BODY_LENGTH)) {
    return { ok: false, reason: 'check-digits' };
  }
  return { ok: true, id: folded as PrescriptionId };
}

/**
 * True only for the canonical form (what `generatePrescriptionId` and `parsePrescriptionId` return).
 * To accept what a person typed, use `parsePrescriptionId`.
 */
export function isPrescriptionId(value: unknown): value is PrescriptionId {
  return (
    typeof value === 'string' &&
    CANONICAL.test(value) &&
    prescriptionIdCheckDigits(value.slice(0, PRESCRIPTION_ID_BODY_LENGTH)) === value.slice(PRESCRIPTION_ID_BODY_LENGTH)
  );
}

/** The printed form, `7K3M-9QXR-2HVT-WB4P-42`: four groups of four, then the check digits. */
export function formatPrescriptionId(id: PrescriptionId): string {
  if (!isPrescriptionId(id)) throw new RangeError(`Not a canonical prescription ID: ${JSON.stringify(id)}`);
  return `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16)}`;
}
