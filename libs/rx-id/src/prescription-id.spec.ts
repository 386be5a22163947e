import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { prescriptionIdCheckDigits } from './check-digits';
import { CROCKFORD_ALPHABET } from './crockford';
import { PrescriptionId, formatPrescriptionId, generatePrescriptionId, isPrescriptionId, parsePrescriptionId } from './prescription-id';

/** docs/prescription-id.md#check-digits written with BigInt, independently of the library's incremental remainder. */
function referenceCheckDigits(body: string): string {
  const n = [...body].reduce((acc, char) => acc * 32n + BigInt(CROCKFORD_ALPHABET.indexOf(char)), 0n);
  return String(98n - ((n * 100n) % 97n)).padStart(2, '0');
}

const tenBytes = fc.uint8Array({ minLength: 10, maxLength: 10 });
const anyId = tenBytes.map((bytes) => generatePrescriptionId(() => bytes));

function replaceAt(text: string, position: number, char: string): string {
  return text.slice(0, position) + char + text.slice(position + 1);
}

describe('prescription ID check digits', () => {
  it('reads the body as one base-32 number: 98 − (N × 100 mod 97), zero-padded', () => {
    expect(prescriptionIdCheckDigits('7K3M9QXR2HVTWB4P')).toBe('03');
    expect(prescriptionIdCheckDigits('0000000000000000')).toBe('98');
    expect(prescriptionIdCheckDigits('0000000000000001')).toBe(referenceCheckDigits('0000000000000001'));
    fc.assert(
      fc.property(anyId, (id) => {
        expect(id.slice(16)).toBe(referenceCheckDigits(id.slice(0, 16)));
      }),
    );
  });

  it('rejects the docs/prescription-id.md#check-digits example 7K3M-9QXR-2HVT-WB4P-42, whose check digits are really 03', () => {
    expect(parsePrescriptionId('7K3M-9QXR-2HVT-WB4P-42')).toEqual({ ok: false, reason: 'check-digits' });
    expect(parsePrescriptionId('7K3M-9QXR-2HVT-WB4P-03')).toEqual({ ok: true, id: '7K3M9QXR2HVTWB4P03' });
  });
});

describe('generatePrescriptionId', () => {
  it('gives 16 Crockford base32 characters and 2 digits that parse back to the same ID', () => {
    const ids = Array.from({ length: 1000 }, () => generatePrescriptionId());
    const shape = /^[0-9A-HJKMNP-TV-Z]{16}[0-9]{2}$/;
    const bad = ids.filter((id) => {
      const parsed = parsePrescriptionId(id);
      return !shape.test(id) || !parsed.ok || parsed.id !== id || !isPrescriptionId(id);
    });
    expect(bad).toEqual([]);
    expect(new Set(ids).size).toBe(1000);
  });

  it('parses back whatever the random bytes are', () => {
    fc.assert(
      fc.property(tenBytes, (bytes) => {
        const id = generatePrescriptionId(() => bytes);
        expect(parsePrescriptionId(id)).toEqual({ ok: true, id });
      }),
    );
  });

  it('uses all 80 random bits: different bytes give different IDs', () => {
    fc.assert(
      fc.property(tenBytes, tenBytes, (a, b) => {
        fc.pre(Buffer.compare(a, b) !== 0);
        expect(generatePrescriptionId(() => a)).not.toBe(generatePrescriptionId(() => b));
      }),
    );
    expect(generatePrescriptionId(() => Buffer.alloc(10, 0xff)).slice(0, 16)).toBe('ZZZZZZZZZZZZZZZZ');
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    expect(() => generatePrescriptionId((size) => randomBytes(size - 1))).toThrow(RangeError);
  });
});

describe('parsePrescriptionId', () => {
  const id = '7K3M9QXR2HVTWB4P03' as PrescriptionId;

  it.each([
    ['canonical', '7K3M9QXR2HVTWB4P03'],
    ['display form', '7K3M-9QXR-2HVT-WB4P-03'],
    ['lower case', '7k3m-9qxr-2hvt-wb4p-03'],
    ['spaces', ' 7K3M 9QXR 2HVT WB4P 03 '],
    ['mixed separators', '7K3M9 QXR-2HVTWB4P - 03'],
  ])('accepts the %s', (_, input) => {
    expect(parsePrescriptionId(input)).toEqual({ ok: true, id });
  });

  it('reads O as 0 and I or L as 1, in the body and in the check digits', () => {
    const withZeroAndOne = generatePrescriptionId(() => Buffer.from([0, 0x44, 0x22, 0x11, 0x08, 0x84, 0x42, 0x21, 0x10, 0x88]));
    expect(withZeroAndOne).toMatch(/0.*1|1.*0/);
    const typed = withZeroAndOne.replace(/0/g, 'o').replace(/1/g, (_, offset: number) => (offset % 2 ? 'I' : 'l'));
    expect(parsePrescriptionId(typed)).toEqual({ ok: true, id: withZeroAndOne });
    expect(parsePrescriptionId('OOOO-0000-0000-0000-98')).toEqual({ ok: true, id: '000000000000000098' });
    expect(parsePrescriptionId('0000-0000-0000-0000-9O')).toEqual({ ok: false, reason: 'check-digits' });
  });

  it.each([
    ['U, which Crockford reserves', '7K3M9QXR2HVTWB4U03'],
    ['a character outside ASCII', '7K3M9QXR2HVTWB4P0３'],
    ['a dotless i (upper-cases to I)', '7K3M9QXR2HVTWB4P0ı'],
    ['a letter in the check digits', '7K3M9QXR2HVTWB4P0A'],
    ['a missing character', '7K3M9QXR2HVTWB4P0'],
    ['an extra character', '7K3M9QXR2HVTWB4P030'],
    ['other punctuation', '7K3M.9QXR.2HVT.WB4P.03'],
    ['an empty string', ''],
    ['a very long string', '7'.repeat(1000)],
  ])('refuses %s as a format error', (_, input) => {
    expect(parsePrescriptionId(input)).toEqual({ ok: false, reason: 'format' });
  });

  it('refuses values that are not strings without throwing', () => {
    for (const input of [null, undefined, 42, {}, ['7K3M9QXR2HVTWB4P03']]) {
      expect(parsePrescriptionId(input)).toEqual({ ok: false, reason: 'format' });
    }
  });

  it('detects every single wrong character, check digits included (300 IDs, every position, every character)', () => {
    const candidates = CROCKFORD_ALPHABET + 'U';
    const undetected: string[] = [];
    let tried = 0;
    for (let n = 0; n < 300; n++) {
      const id = generatePrescriptionId();
      for (let position = 0; position < id.length; position++) {
        for (const char of candidates) {
          if (char === id[position]) continue;
          const altered = replaceAt(id, position, char);
          tried++;
          if (parsePrescriptionId(altered).ok) undetected.push(`${id} → ${altered}`);
        }
      }
    }
    expect(tried).toBe(300 * 18 * 32);
    expect(undetected).toEqual([]);
  });

  it('detects a single wrong character anywhere (property)', () => {
    const substitution = fc.tuple(anyId, fc.nat({ max: 17 }), fc.constantFrom(...CROCKFORD_ALPHABET));
    fc.assert(
      fc.property(substitution, ([id, position, char]) => {
        fc.pre(id[position] !== char);
        const result = parsePrescriptionId(replaceAt(id, position, char));
        expect(result).toEqual({ ok: false, reason: position < 16 || /\d/.test(char) ? 'check-digits' : 'format' });
      }),
    );
  });

  it('detects every swap of two different neighbours, across the body and the check digits', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        const undetected: string[] = [];
        for (let position = 0; position < id.length - 1; position++) {
          if (id[position] === id[position + 1]) continue;
          const swapped = id.slice(0, position) + id[position + 1] + id[position] + id.slice(position + 2);
          if (parsePrescriptionId(swapped).ok) undetected.push(swapped);
        }
        expect(undetected).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('isPrescriptionId', () => {
  it('accepts only the canonical form', () => {
    expect(isPrescriptionId('7K3M9QXR2HVTWB4P03')).toBe(true);
    for (const input of ['7K3M-9QXR-2HVT-WB4P-03', '7k3m9qxr2hvtwb4p03', '7K3M9QXR2HVTWB4P04', 42]) {
      expect(isPrescriptionId(input)).toBe(false);
    }
  });
});

describe('formatPrescriptionId', () => {
  it('groups the body by four and ends with the check digits', () => {
    expect(formatPrescriptionId('7K3M9QXR2HVTWB4P03' as PrescriptionId)).toBe('7K3M-9QXR-2HVT-WB4P-03');
  });

  it('round-trips display ⇄ canonical', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        const display = formatPrescriptionId(id);
        expect(display).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-\d{2}$/);
        expect(parsePrescriptionId(display)).toEqual({ ok: true, id });
        expect(parsePrescriptionId(display.toLowerCase())).toEqual({ ok: true, id });
      }),
    );
  });

  it('refuses something that is not a canonical ID', () => {
    expect(() => formatPrescriptionId('7K3M-9QXR' as PrescriptionId)).toThrow(RangeError);
  });
});
