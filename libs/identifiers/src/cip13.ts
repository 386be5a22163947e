const CIP13_SHAPE = /^34009\d{8}$/;
const TWELVE_DIGITS = /^\d{12}$/;

/**
 * EAN-13 check digit of a 12-digit body: weights 1,3,1,3… from the left.
 * Every CIP13 is an EAN-13 in the French pharmacy range 34009.
 */
export function cip13CheckDigit(body12: string): string {
  if (typeof body12 !== 'string' || !TWELVE_DIGITS.test(body12)) {
    throw new RangeError(`CIP13 body must be 12 digits, got ${JSON.stringify(body12)}`);
  }
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    sum += (body12.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  }
  return String((10 - (sum % 10)) % 10);
}

/** `body12` followed by its EAN-13 check digit. */
export function withCip13CheckDigit(body12: string): string {
  return body12 + cip13CheckDigit(body12);
}

/** CIP13 (code identifiant de présentation, the pack code): 13 digits, prefix 34009, EAN-13 check digit. */
export function isCip13(value: unknown): value is string {
  return typeof value === 'string' && CIP13_SHAPE.test(value) && cip13CheckDigit(value.slice(0, 12)) === value[12];
}
