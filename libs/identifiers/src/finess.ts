import { luhnValid } from './luhn';

const FINESS_SHAPE = /^\d{9}$/;

/** FINESS (establishment, e.g. a pharmacy): 9 digits, the last a Luhn check digit. */
export function isFiness(value: unknown): value is string {
  return typeof value === 'string' && FINESS_SHAPE.test(value) && luhnValid(value);
}
