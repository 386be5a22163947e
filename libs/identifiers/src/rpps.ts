import { luhnValid } from './luhn';

const RPPS_SHAPE = /^\d{11}$/;

/**
 * RPPS (Répertoire partagé des professionnels de santé): 11 digits, the last a Luhn check digit.
 * The 12-character national id in Pro Santé Connect tokens (`8` + RPPS) is not an RPPS.
 */
export function isRpps(value: unknown): value is string {
  return typeof value === 'string' && RPPS_SHAPE.test(value) && luhnValid(value);
}
