import { frenchLongDate, frenchShortDate } from './french-dates';
import type { PrintableLine, PrintablePrescriber } from './printable-prescription';
import {
  durationText,
  fractionText,
  lineCountText,
  patientBirth,
  patientName,
  placeAndDate,
  quantityText,
  renewalText,
} from './prescription-wording';

const line: PrintableLine = {
  lineNo: 1,
  label: 'TRAMADOL ARROW 50 mg, gélule',
  dosage: '1 gélule matin et soir',
  quantity: 28,
  unit: 'gélule',
  durationDays: 14,
  renewals: 0,
};
const prescriber: PrintablePrescriber = {
  name: 'Dr Jeanne Martin',
  rpps: '10001234567',
  addressLines: ['12 rue de la Paix', '75002 Paris'],
};

describe('dates on an ordonnance', () => {
  it('dates the prescription by the day in France, not in UTC', () => {
    expect(frenchLongDate(new Date('2026-11-21T23:30:00Z'))).toBe('22 novembre 2026');
    expect(frenchLongDate(new Date('2026-07-14T22:30:00Z'))).toBe('15 juillet 2026');
  });

  it('writes the first of the month "1er"', () => {
    expect(frenchLongDate(new Date('2026-12-01T10:00:00Z'))).toBe('1er décembre 2026');
  });

  it('writes a birth date dd/mm/yyyy', () => {
    expect(frenchShortDate('1958-04-03')).toBe('03/04/1958');
    expect(() => frenchShortDate('03/04/1958')).toThrow(RangeError);
  });
});

describe('the sentences of an ordonnance', () => {
  it('names the patient with civility and the family name in capitals', () => {
    const patient = { firstName: 'Zoé', lastName: 'Dupont', birthDate: '1958-04-03', sex: 'F' as const };
    expect(patientName(patient)).toBe('Mme Zoé DUPONT');
    expect(patientBirth(patient)).toBe('née le 03/04/1958');
    expect(patientName({ ...patient, sex: 'M' })).toBe('M. Zoé DUPONT');
    expect(patientBirth({ ...patient, sex: 'M' })).toBe('né le 03/04/1958');
    expect(patientName({ ...patient, sex: 'U' })).toBe('Zoé DUPONT');
  });

  it('takes the place of writing from the postcode line of the address', () => {
    const issuedAt = new Date('2026-11-22T09:00:00Z');
    expect(placeAndDate(prescriber, issuedAt)).toBe('Paris, le 22 novembre 2026');
    expect(placeAndDate({ ...prescriber, addressLines: ['13008 Marseille CEDEX 08'] }, issuedAt)).toBe('Marseille, le 22 novembre 2026');
    expect(placeAndDate({ ...prescriber, addressLines: [] }, issuedAt)).toBe('Le 22 novembre 2026');
  });

  it('writes quantities and durations in figures, and in words as well when secure', () => {
    expect(quantityText({ ...line, unit: 'comprimé', quantity: 24 }, false)).toBe('Quantité : 24 comprimés');
    expect(durationText({ ...line, durationDays: 8 }, false)).toBe('pendant 8 jours');
    expect(quantityText(line, true)).toBe('Quantité : vingt-huit (28) gélules');
    expect(durationText(line, true)).toBe('pendant quatorze (14) jours');
    expect(durationText({ ...line, durationDays: 1 }, true)).toBe('pendant un (1) jour');
  });

  it('says whether the line may be renewed', () => {
    expect(renewalText(line)).toBe('Non renouvelable');
    expect(renewalText({ ...line, renewals: 2 })).toBe('À renouveler 2 fois');
  });

  it('mentions split dispensing only when the prescriber set fractions', () => {
    expect(fractionText(line, false)).toBeUndefined();
    expect(fractionText({ ...line, fractionDays: 7 }, true)).toBe('Délivrance fractionnée par périodes de sept (7) jours');
  });

  it('counts the lines in words, "ligne" being feminine', () => {
    expect(lineCountText(2)).toBe('Nombre de lignes prescrites : deux (2)');
    expect(lineCountText(1)).toBe('Nombre de lignes prescrites : une (1)');
    expect(lineCountText(21)).toBe('Nombre de lignes prescrites : vingt et une (21)');
  });
});
