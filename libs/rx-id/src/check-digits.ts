import { crockfordValue } from './crockford';

// ISO 7064 MOD 97-10 over the body read as ONE base-32 number N: check = 98 − (N × 100 mod 97).
// Not the IBAN letter values (A=10 … Z=35): with those, swaps such as 1B↔B1 and about 0.4 % of
// single substitutions pass. In base 32 a substitution changes N by d·32^k and a neighbour swap by
// d·31·32^k (|d| < 32); 97 is prime and divides none of these factors, so both are always caught.

/** The two check digits ('02'…'98') of a canonical Crockford body. */
export function prescriptionIdCheckDigits(body: string): string {
  let remainder = 0;
  for (const char of body) {
    const value = crockfordValue(char);
    if (value === undefined) {
      throw new RangeError(`Not a canonical Crockford base32 character: ${JSON.stringify(char)}`);
    }
    remainder = (remainder * 32 + value) % 97;
  }
  return String(98 - ((remainder * 100) % 97)).padStart(2, '0');
}
