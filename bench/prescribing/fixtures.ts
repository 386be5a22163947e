// What the benchmark sends: the request body of test/support/fixtures.ts (DOLIPRANE 1000 mg, a real
// BDPM pack), with a different patient INS on every request.
import { nirKey, withLuhnCheckDigit } from '@ordo/identifiers';

export const BENCH_RPPS = withLuhnCheckDigit('1000000000');

export const PRESCRIBER_BLOCK = {
  name: 'Dr Claire Dubois',
  specialty: 'Médecine générale',
  address: { lines: ['12 rue des Lilas'], postalCode: '75011', city: 'Paris' },
  phone: '01 43 00 00 00',
};

/** A valid INS for the n-th patient: women born in March 1984 in Paris, commune and order from n. */
export function patientIns(n: number): string {
  const body = `2840375${String(n % 1_000_000).padStart(6, '0')}`;
  return `${body}${nirKey(body)}`;
}

export function prescriptionRequest(n = 0) {
  return {
    prescriber: PRESCRIBER_BLOCK,
    patient: { ins: patientIns(n), firstName: 'Camille', lastName: 'Martin', birthDate: '1984-03-17', sex: 'F' as const },
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
  };
}

const INS_MARK = '"ins":"';

/**
 * The body for request n without re-serialising the whole object: the INS is the only thing that
 * changes, and the load generator shares the CPU with what it measures.
 */
export function bodyFactory(): (n: number) => string {
  const template = JSON.stringify(prescriptionRequest(0));
  const at = template.indexOf(INS_MARK) + INS_MARK.length;
  const head = template.slice(0, at);
  const tail = template.slice(at + 15);
  return (n) => `${head}${patientIns(n)}${tail}`;
}
