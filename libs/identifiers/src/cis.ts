const CIS_SHAPE = /^\d{8}$/;

/** CIS (code identifiant de spécialité, the BDPM medicine code): exactly 8 digits, no check digit. */
export function isCis(value: unknown): value is string {
  return typeof value === 'string' && CIS_SHAPE.test(value);
}
