import { frenchNumber, isFeminineUnit, quantityInWords, quantityInWordsAndFigures, unitForQuantity } from './french-numbers';

describe('numbers in French words (traditional spelling)', () => {
  it.each([
    [0, 'zéro'],
    [1, 'un'],
    [16, 'seize'],
    [17, 'dix-sept'],
    [21, 'vingt et un'],
    [22, 'vingt-deux'],
    [28, 'vingt-huit'],
    [30, 'trente'],
    [61, 'soixante et un'],
    [70, 'soixante-dix'],
    [71, 'soixante et onze'],
    [72, 'soixante-douze'],
    [79, 'soixante-dix-neuf'],
    [80, 'quatre-vingts'],
    [81, 'quatre-vingt-un'],
    [90, 'quatre-vingt-dix'],
    [91, 'quatre-vingt-onze'],
    [99, 'quatre-vingt-dix-neuf'],
    [100, 'cent'],
    [101, 'cent un'],
    [180, 'cent quatre-vingts'],
    [200, 'deux cents'],
    [201, 'deux cent un'],
    [221, 'deux cent vingt et un'],
    [1000, 'mille'],
    [1001, 'mille un'],
    [1980, 'mille neuf cent quatre-vingts'],
    [2000, 'deux mille'],
    [21_000, 'vingt et un mille'],
    [80_000, 'quatre-vingt mille'],
    [200_000, 'deux cent mille'],
    [280_080, 'deux cent quatre-vingt mille quatre-vingts'],
    [999_999, 'neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf'],
    [1_000_000, 'un million'],
    [80_000_000, 'quatre-vingts millions'],
    [200_000_201, 'deux cents millions deux cent un'],
  ])('writes %i as "%s"', (n, words) => {
    expect(frenchNumber(n)).toBe(words);
  });

  it('writes the feminine "une" where a number ends in one', () => {
    expect(frenchNumber(1, { feminine: true })).toBe('une');
    expect(frenchNumber(21, { feminine: true })).toBe('vingt et une');
    expect(frenchNumber(81, { feminine: true })).toBe('quatre-vingt-une');
    expect(frenchNumber(71, { feminine: true })).toBe('soixante et onze');
  });

  it('refuses what has no French words here', () => {
    for (const n of [-1, 1.5, Number.NaN, 1_000_000_000]) expect(() => frenchNumber(n)).toThrow(RangeError);
  });

  it('never writes "un mille", a plural "mille" or a plural "vingt"/"cent" before "mille"', () => {
    for (let n = 1000; n < 1_000_000; n += 997) {
      const words = frenchNumber(n);
      expect(words).not.toMatch(/^un mille|milles|vingts mille|cents mille/);
    }
  });
});

describe('quantities in words', () => {
  it.each([
    [28, 'comprimé', 'vingt-huit comprimés'],
    [1, 'comprimé', 'un comprimé'],
    [1, 'gélule', 'une gélule'],
    [21, 'gélule', 'vingt et une gélules'],
    [1, 'ampoule', 'une ampoule'],
    [2, 'seringue préremplie', 'deux seringues préremplies'],
    [3, 'flacon', 'trois flacons'],
    [3, 'flacon de 100 ml', 'trois flacons de 100 ml'],
    [2, 'comprimé pelliculé sécable', 'deux comprimés pelliculés sécables'],
    [4, 'sachets', 'quatre sachets'],
    [2, 'anneau vaginal', 'deux anneaux vaginaux'],
    [80, 'ml', 'quatre-vingts ml'],
    [3, 'COMPRIMÉ', 'trois COMPRIMÉS'],
    [2, 'comprimé(s)', 'deux comprimé(s)'],
  ])('writes %i %s as "%s"', (quantity, unit, words) => {
    expect(quantityInWords(quantity, unit)).toBe(words);
  });

  it('writes words then figures on a secure prescription', () => {
    expect(quantityInWordsAndFigures(28, 'comprimé')).toBe('vingt-huit (28) comprimés');
    expect(quantityInWordsAndFigures(1, 'gélule')).toBe('une (1) gélule');
  });

  it('knows the common feminine dosage forms, in the singular or the plural', () => {
    expect(['gélule', 'gélules', 'Ampoule', 'seringue', 'dose-poids'].map(isFeminineUnit)).toEqual([true, true, true, true, true]);
    expect(['comprimé', 'flacon', 'sachet', 'suppositoire'].map(isFeminineUnit)).toEqual([false, false, false, false]);
  });

  it('keeps the unit singular for one', () => {
    expect(unitForQuantity(1, 'comprimé')).toBe('comprimé');
    expect(unitForQuantity(24, 'comprimé')).toBe('comprimés');
  });
});
