import fc from 'fast-check';
import { canonicalNir, isIns, isNir, nirKey } from './nir';

describe('NIR / INS', () => {
  it('accepts published examples with and without spaces', () => {
    expect(isNir('2 95 10 99 126 111 93')).toBe(true);
    expect(isNir('295109912611193')).toBe(true);
    expect(isIns('295109912611193')).toBe(true);
  });

  it('computes the key as 97 minus the 13-digit number mod 97', () => {
    expect(nirKey('2951099126111')).toBe('93');
    expect(String(97 - Number(2951099126111n % 97n))).toBe('93');
  });

  it('treats Corsica 2A as 19 and 2B as 18 when computing the key', () => {
    expect(isNir('253072A07300443')).toBe(true);
    expect(isNir('253072B07300470')).toBe(true);
    expect(nirKey('253072A073004')).toBe(String(97 - Number(2530719073004n % 97n)));
    expect(nirKey('253072B073004')).toBe(String(97 - Number(2530718073004n % 97n)));
    expect(isNir('2 53 07 2a 073 004 43')).toBe(true);
  });

  it('rejects a wrong key, a letter outside the department, 2C, wrong lengths and non-strings', () => {
    for (const input of [
      '295109912611199',
      '253072C07300443',
      '2530A2107300443',
      '29510991261119',
      '2951099126111930',
      '2-95-10-99-126-111-93',
      295109912611193,
      undefined,
    ]) {
      expect(isNir(input)).toBe(false);
    }
  });

  it('zero-pads a one-digit key and gives 97 when the number is a multiple of 97', () => {
    const multiple = String(97n * 100000000000n);
    expect(multiple).toHaveLength(13);
    expect(nirKey(multiple)).toBe('97');
    expect(nirKey(String(97n * 100000000000n + 96n))).toBe('01');
  });

  it('gives one canonical form per patient whatever the spacing', () => {
    expect(canonicalNir(' 2 53 07 2a 073 004 43 ')).toBe('253072A07300443');
    expect(canonicalNir('253072A07300444')).toBeNull();
  });

  it('rejects every single-character change of a valid NIR, key included', () => {
    const department = fc.oneof(
      fc.integer({ min: 1, max: 95 }).map((d) => String(d).padStart(2, '0')),
      fc.constantFrom('2A', '2B'),
    );
    const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
    const body = fc.tuple(digits(5), department, digits(6)).map((parts) => parts.join(''));
    fc.assert(
      fc.property(body, (body13) => {
        const nir = body13 + nirKey(body13);
        expect(isNir(nir)).toBe(true);
        const accepted: string[] = [];
        for (let position = 0; position < 15; position++) {
          for (const char of '0123456789AB') {
            const changed = nir.slice(0, position) + char + nir.slice(position + 1);
            if (char !== nir[position] && isNir(changed)) accepted.push(changed);
          }
        }
        expect(accepted).toEqual([]);
      }),
    );
  });
});
