import fc from 'fast-check';
import { cip13CheckDigit, isCip13, withCip13CheckDigit } from './cip13';
import { isCis } from './cis';

// Real packs from the BDPM file CIS_CIP_bdpm.txt (CIS, CIP13).
const REAL_PACKS = [
  ['60002283', '3400949497294'],
  ['60002283', '3400949497706'],
  ['60003620', '3400936963504'],
  ['60004277', '3400936145825'],
  ['60004487', '3400939725192'],
] as const;

describe('CIP13', () => {
  it('accepts real CIP13 codes from the BDPM', () => {
    for (const [, cip13] of REAL_PACKS) expect(isCip13(cip13)).toBe(true);
  });

  it('computes the EAN-13 check digit of a 3400930000000-style body', () => {
    // 3·1 + 4·3 + 0·1 + 0·3 + 9·1 + 3·3 = 33, and 10 − 3 = 7
    expect(cip13CheckDigit('340093000000')).toBe('7');
    expect(isCip13('3400930000007')).toBe(true);
    for (const last of '012345689') expect(isCip13(`340093000000${last}`)).toBe(false);
    expect(cip13CheckDigit('340094949729')).toBe('4');
  });

  it('rejects EAN-13 codes outside the 34009 pharmacy range even with a valid check digit', () => {
    const outside = withCip13CheckDigit('340083000000');
    expect(outside).toHaveLength(13);
    expect(isCip13(outside)).toBe(false);
    expect(isCip13(withCip13CheckDigit('400638133393'))).toBe(false);
  });

  it('rejects the 7-digit CIP, separators, letters and non-strings', () => {
    for (const input of ['4949729', '3400 949497294', '340094949729A', '34009494972940', 3400949497294]) {
      expect(isCip13(input)).toBe(false);
    }
    expect(() => cip13CheckDigit('34009')).toThrow(RangeError);
  });

  it('rejects every single-digit change of a valid CIP13', () => {
    const body = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 }).map((d) => `34009${d.join('')}`);
    fc.assert(
      fc.property(body, (body12) => {
        const cip13 = withCip13CheckDigit(body12);
        expect(isCip13(cip13)).toBe(true);
        const accepted: string[] = [];
        for (let position = 0; position < 13; position++) {
          for (const digit of '0123456789') {
            const changed = cip13.slice(0, position) + digit + cip13.slice(position + 1);
            if (digit !== cip13[position] && isCip13(changed)) accepted.push(changed);
          }
        }
        expect(accepted).toEqual([]);
      }),
    );
  });
});

describe('CIS', () => {
  it('accepts real 8-digit CIS codes', () => {
    for (const [cis] of REAL_PACKS) expect(isCis(cis)).toBe(true);
  });

  it('rejects anything but exactly 8 digits', () => {
    for (const input of ['6000228', '600022830', '6000228A', ' 60002283', 60002283, null]) expect(isCis(input)).toBe(false);
  });
});
