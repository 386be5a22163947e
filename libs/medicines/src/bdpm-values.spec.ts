import fc from 'fast-check';
import { parseEuroAmount, parseFrenchDate, parseList, parseRate, parseYesNo } from './bdpm-values';

/** Writes cents the way CIS_CIP does: decimal comma, and a comma between thousands. */
function bdpmAmount(cents: number): string {
  const euros = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+$)/g, ',');
  return `${euros},${String(cents % 100).padStart(2, '0')}`;
}

describe('parseEuroAmount', () => {
  it('reads the decimal comma and the thousands comma of CIS_CIP prices', () => {
    expect(parseEuroAmount('1,02')).toBe(1.02);
    expect(parseEuroAmount('24,34')).toBe(24.34);
    expect(parseEuroAmount('1,394,44')).toBe(1394.44);
    expect(parseEuroAmount('2,244,33')).toBe(2244.33);
    expect(parseEuroAmount('12,345,678,90')).toBe(12345678.9);
    expect(parseEuroAmount('0,00')).toBe(0);
  });

  it('gives null for an empty price (a pack that is not reimbursed)', () => {
    expect(parseEuroAmount('')).toBeNull();
    expect(parseEuroAmount('  ')).toBeNull();
  });

  it('reads a lone group of three digits after a comma as thousands, since cents have two', () => {
    expect(parseEuroAmount('12,345')).toBe(12345);
  });

  it('refuses what is not an amount rather than guessing', () => {
    for (const raw of ['abc', '1,2,3', '1.394.44', '-1,00', '1,394,4444', '1 394,44 €']) {
      expect(() => parseEuroAmount(raw)).toThrow(RangeError);
    }
  });

  it('reads back every amount written in the BDPM format, to the cent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), (cents) => {
        expect(Math.round(parseEuroAmount(bdpmAmount(cents))! * 100)).toBe(cents);
      }),
    );
  });
});

describe('parseFrenchDate', () => {
  it('turns JJ/MM/AAAA into an ISO date', () => {
    expect(parseFrenchDate('30/11/2006')).toBe('2006-11-30');
    expect(parseFrenchDate('29/02/2024')).toBe('2024-02-29');
    expect(parseFrenchDate('')).toBeNull();
  });

  it('refuses dates that do not exist or are not in the French order', () => {
    for (const raw of ['31/02/2020', '29/02/2023', '2006-11-30', '1/2/2020', '00/01/2020']) {
      expect(() => parseFrenchDate(raw)).toThrow(RangeError);
    }
  });
});

describe('parseRate', () => {
  it('reads both spellings of a reimbursement rate', () => {
    expect(parseRate('65%')).toBe(65);
    expect(parseRate('65 %')).toBe(65);
    expect(parseRate('100 %')).toBe(100);
    expect(parseRate('')).toBeNull();
    expect(() => parseRate('65')).toThrow(RangeError);
  });
});

describe('parseYesNo and parseList', () => {
  it('reads oui/non in either case and inconnu as unknown', () => {
    expect(parseYesNo('oui')).toBe(true);
    expect(parseYesNo('Non')).toBe(false);
    expect(parseYesNo('inconnu')).toBeNull();
    expect(() => parseYesNo('peut-être')).toThrow(RangeError);
  });

  it('splits ;-separated values and drops empty ones', () => {
    expect(parseList('cutanée;orale;sublinguale')).toEqual(['cutanée', 'orale', 'sublinguale']);
    expect(parseList(' SANOFI ; ZENTIVA;')).toEqual(['SANOFI', 'ZENTIVA']);
    expect(parseList('')).toEqual([]);
  });
});
