import { luhnCheckDigit, luhnValid, withLuhnCheckDigit } from './luhn';

describe('Luhn', () => {
  it('accepts the textbook example 79927398713 and rejects it with any other last digit', () => {
    expect(luhnValid('79927398713')).toBe(true);
    for (const last of '012456789') expect(luhnValid(`7992739871${last}`)).toBe(false);
  });

  it('computes the check digit that makes a body valid', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(withLuhnCheckDigit('7992739871')).toBe('79927398713');
    expect(luhnCheckDigit('0')).toBe('0');
  });

  it('rejects strings that are not only digits', () => {
    for (const input of ['', '0', '7992739871a', ' 79927398713', '7992-7398713']) expect(luhnValid(input)).toBe(false);
    expect(() => luhnCheckDigit('12a')).toThrow(RangeError);
    expect(() => luhnCheckDigit('')).toThrow(RangeError);
  });
});
