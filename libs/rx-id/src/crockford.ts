// Crockford's base32: no I, L, O or U, so typed codes are not misread and no accidental words appear.

export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const VALUE_OF: ReadonlyMap<string, number> = new Map([...CROCKFORD_ALPHABET].map((char, value) => [char, value]));

/** The value 0…31 of a canonical (upper-case) Crockford character, or undefined. */
export function crockfordValue(char: string): number | undefined {
  return VALUE_OF.get(char);
}

/**
 * What a person most likely meant: upper case, O read as 0, I and L read as 1.
 * U stays U and is then refused, as Crockford reserves it.
 */
export function foldCrockford(typed: string): string {
  return typed.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** Big-endian bits of `bytes`, five at a time; a last partial group is padded with zero bits. */
export function encodeCrockford(bytes: Uint8Array): string {
  let encoded = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      encoded += CROCKFORD_ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) encoded += CROCKFORD_ALPHABET[(buffer << (5 - bits)) & 31];
  return encoded;
}
