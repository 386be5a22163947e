import fc from 'fast-check';
import { isFiness } from './finess';
import { withLuhnCheckDigit } from './luhn';
import { isRpps } from './rpps';

const digits = (length: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((d) => d.join(''));

/** Every string that differs from `value` by exactly one digit. */
function singleDigitChanges(value: string): string[] {
  const changed: string[] = [];
  for (let position = 0; position < value.length; position++) {
    for (const digit of '0123456789') {
      if (digit !== value[position]) changed.push(value.slice(0, position) + digit + value.slice(position + 1));
    }
  }
  return changed;
}

describe('RPPS', () => {
  it('accepts an 11-digit number with a valid Luhn check digit', () => {
    expect(isRpps('79927398713')).toBe(true);
    expect(isRpps(withLuhnCheckDigit('1000000123'))).toBe(true);
  });

  it('rejects wrong length, non-digits, separators and non-strings', () => {
    for (const input of ['7992739871', '799273987130', '7992739871a', '799 27398713', '', null, undefined, 79927398713]) {
      expect(isRpps(input)).toBe(false);
    }
  });

  it('rejects every single-digit change of a valid RPPS', () => {
    fc.assert(
      fc.property(digits(10), (body) => {
        const rpps = withLuhnCheckDigit(body);
        expect(isRpps(rpps)).toBe(true);
        expect(singleDigitChanges(rpps).filter(isRpps)).toEqual([]);
      }),
    );
  });
});

describe('FINESS', () => {
  it("accepts AP-HP's published legal-entity FINESS 750712184", () => {
    expect(isFiness('750712184')).toBe(true);
  });

  it('rejects wrong length, non-digits and non-strings', () => {
    for (const input of ['75071218', '7507121840', '75071218A', '750 712 184', 750712184]) {
      expect(isFiness(input)).toBe(false);
    }
  });

  it('rejects every single-digit change of a valid FINESS', () => {
    fc.assert(
      fc.property(digits(8), (body) => {
        const finess = withLuhnCheckDigit(body);
        expect(isFiness(finess)).toBe(true);
        expect(singleDigitChanges(finess).filter(isFiness)).toEqual([]);
      }),
    );
  });
});
