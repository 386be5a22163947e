import { frenchLongDate, frenchShortDate } from './french-dates';
import { frenchNumber, quantityInWordsAndFigures, unitForQuantity } from './french-numbers';
import type { PrintableLine, PrintablePatient, PrintablePrescriber } from './printable-prescription';

// The sentences of a French ordonnance. On a secure prescription every count a forger would want
// to alter (quantities, durations, number of lines) is written in words as well as figures.

/** "Mme Zoé DUPONT": the family name in capitals, so that it cannot be taken for a first name. */
export function patientName(patient: PrintablePatient): string {
  const civility = patient.sex === 'F' ? 'Mme ' : patient.sex === 'M' ? 'M. ' : '';
  return `${civility}${patient.firstName} ${patient.lastName.toLocaleUpperCase('fr-FR')}`;
}

export function patientBirth(patient: PrintablePatient): string {
  const born = patient.sex === 'F' ? 'née' : patient.sex === 'M' ? 'né' : 'né(e)';
  return `${born} le ${frenchShortDate(patient.birthDate)}`;
}

/** "Paris, le 22 novembre 2026", or "Le 22 novembre 2026" when the address gives no town. */
export function placeAndDate(prescriber: PrintablePrescriber, issuedAt: Date): string {
  const town = townOf(prescriber.addressLines);
  const date = frenchLongDate(issuedAt);
  return town ? `${town}, le ${date}` : `Le ${date}`;
}

function townOf(addressLines: string[]): string | undefined {
  const last = addressLines.at(-1)?.trim() ?? '';
  const match = /^\d{5}\s+(.+?)(\s+cedex\b.*)?$/i.exec(last);
  return match?.[1];
}

export function quantityText(line: PrintableLine, secure: boolean): string {
  const quantity = secure
    ? quantityInWordsAndFigures(line.quantity, line.unit)
    : `${line.quantity} ${unitForQuantity(line.quantity, line.unit)}`;
  return `Quantité : ${quantity}`;
}

export function durationText(line: PrintableLine, secure: boolean): string {
  return `pendant ${days(line.durationDays, secure)}`;
}

export function renewalText(line: PrintableLine): string {
  return line.renewals > 0 ? `À renouveler ${line.renewals} fois` : 'Non renouvelable';
}

export function fractionText(line: PrintableLine, secure: boolean): string | undefined {
  if (!line.fractionDays) return undefined;
  return `Délivrance fractionnée par périodes de ${days(line.fractionDays, secure)}`;
}

/** "Nombre de lignes prescrites : deux (2)"; "ligne" is feminine, so one line reads "une (1)". */
export function lineCountText(count: number): string {
  return `Nombre de lignes prescrites : ${frenchNumber(count, { feminine: true })} (${count})`;
}

function days(count: number, secure: boolean): string {
  return secure ? quantityInWordsAndFigures(count, 'jour') : `${count} ${unitForQuantity(count, 'jour')}`;
}
