import { toWinAnsi } from './win-ansi';

describe('text for the built-in PDF fonts', () => {
  it('keeps French as it is', () => {
    const french = 'Œdème, cœur, à l’hôpital — « très » sûr, naïf, ça, ÉÈÀÙÇ, 5 € …';
    expect(toWinAnsi(french)).toBe(french);
  });

  it('composes letters typed as a letter and a combining accent', () => {
    expect(toWinAnsi('e\u0301te\u0301')).toBe('été');
  });

  it('drops accents Windows-1252 lacks and replaces what it cannot show', () => {
    expect(toWinAnsi('Łukasz Ștefan Dvořák')).toBe('Lukasz Stefan Dvorák');
    expect(toWinAnsi('dose ≤ 4 g')).toBe('dose <= 4 g');
    expect(toWinAnsi('Жанна 李')).toBe('????? ?');
  });

  it('turns typographic spaces into ones the fonts have', () => {
    expect(toWinAnsi('Quantité\u202f: 2\u2009mg\u200b')).toBe('Quantité\u00a0: 2 mg');
  });
});
