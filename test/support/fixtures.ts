import { nirKey, withLuhnCheckDigit } from '@ordo/identifiers';

/** A valid RPPS number made from an 10-digit body. */
export function rpps(body = '1000000000'): string {
  return withLuhnCheckDigit(body);
}

export function finess(body = '75000000'): string {
  return withLuhnCheckDigit(body);
}

/** A valid NIR (INS) with its key, from a 13-character body. */
export function nir(body = '2840375123456'): string {
  return `${body}${nirKey(body)}`;
}

export const PRESCRIBER_BLOCK = {
  name: 'Dr Claire Dubois',
  specialty: 'Médecine générale',
  address: { lines: ['12 rue des Lilas'], postalCode: '75011', city: 'Paris' },
  phone: '01 43 00 00 00',
};

export function prescriptionRequest(overrides: Record<string, unknown> = {}) {
  return {
    prescriber: PRESCRIBER_BLOCK,
    patient: { ins: nir(), firstName: 'Camille', lastName: 'Martin', birthDate: '1984-03-17', sex: 'F' },
    lines: [
      {
        // DOLIPRANE 1000 mg, comprimé, box of 8 (BDPM CIS 60234100)
        cip13: '3400935955838',
        label: 'DOLIPRANE 1000 mg, comprimé',
        dosage: '1 comprimé jusqu’à 3 fois par jour',
        quantity: 24,
        unit: 'comprimé',
        durationDays: 8,
        renewals: 0,
      },
    ],
    ...overrides,
  };
}

let patientCounter = 0;

/** A different patient each call, so tests do not add up to one patient's suspicious history. */
export function freshPatientIns(): string {
  patientCounter += 1;
  const body = `1${String(process.pid % 100).padStart(2, '0')}${String(Date.now() % 1e6).padStart(6, '0')}${String(patientCounter).padStart(4, '0')}`;
  return nir(body.slice(0, 13));
}
