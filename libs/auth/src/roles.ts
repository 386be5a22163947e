/** Who a caller acts as. A token carries them in its `roles` array claim. */
export const ROLES = ['prescriber', 'pharmacist', 'fraud-analyst', 'ops', 'auditor'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
