// NIR (numéro de sécurité sociale), which is also the INS of a patient in the INS-NIR form:
// 13 characters (sex, year, month, department, commune, order) and a 2-digit key.
// Only shape and key are checked: the month and place fields carry many historical special
// values (months 20-42 and 50-99, foreign-born 99xxx…) that are not ours to second-guess.

const NIR_BODY = /^\d{5}(?:\d{2}|2A|2B)\d{6}$/;
const NIR_FULL = /^\d{5}(?:\d{2}|2A|2B)\d{8}$/;
const SEPARATORS = /\s+/g;

/** Corsica's departments are letters in the NIR; the key is computed as if 2A were 19 and 2B 18. */
function numericBody(body13: string): string {
  const department = body13.slice(5, 7);
  if (department === '2A') return `${body13.slice(0, 5)}19${body13.slice(7)}`;
  if (department === '2B') return `${body13.slice(0, 5)}18${body13.slice(7)}`;
  return body13;
}

/** Digit by digit so the 13-digit number never leaves exact integer range. */
function mod97(digits: string): number {
  let remainder = 0;
  for (let i = 0; i < digits.length; i++) {
    remainder = (remainder * 10 + (digits.charCodeAt(i) - 48)) % 97;
  }
  return remainder;
}

/** The 2-digit key ('01'…'97') of a 13-character NIR body. */
export function nirKey(body13: string): string {
  const body = typeof body13 === 'string' ? body13.toUpperCase() : body13;
  if (typeof body !== 'string' || !NIR_BODY.test(body)) {
    throw new RangeError(`NIR body must be 13 characters (digits, 2A/2B for Corsica), got ${JSON.stringify(body13)}`);
  }
  return String(97 - mod97(numericBody(body))).padStart(2, '0');
}

/**
 * The compact form (15 characters, no spaces, upper case) of a valid NIR/INS, or null.
 * Use it before storing, comparing or hashing an INS, so that `1 85 05…` and `18505…` are one patient.
 */
export function canonicalNir(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const compact = value.replace(SEPARATORS, '').toUpperCase();
  if (!NIR_FULL.test(compact)) return null;
  return nirKey(compact.slice(0, 13)) === compact.slice(13) ? compact : null;
}

/** A 15-character NIR/INS with its key, with or without spaces. */
export function isNir(value: unknown): value is string {
  return canonicalNir(value) !== null;
}

/** The INS of a patient (INS-NIR) is validated exactly as a NIR. */
export const isIns = isNir;
