import { isRpps } from '@ordo/identifiers';
import { isRole, type Role } from './roles';

/** The authenticated caller, as the handlers see it. */
export interface Principal {
  subject: string;
  roles: Role[];
  /** Répertoire Partagé des Professionnels de Santé number of the person. */
  rpps?: string;
  /** FINESS number of the pharmacy the pharmacist acts for. */
  finess?: string;
  name?: string;
}

export const RPPS_FORMAT = /^\d{11}$/;
// Corsican establishments carry their department code, 2A or 2B, in the first two characters.
export const FINESS_FORMAT = /^(?:\d{2}|2A|2B)\d{7}$/;

/** The token was genuine but does not describe a caller we can act for. */
export class PrincipalClaimsInvalid extends Error {
  override readonly name = 'PrincipalClaimsInvalid';
}

/** Reads the caller out of a verified token's claims, refusing what no handler could act on. */
export function principalFromClaims(claims: Readonly<Record<string, unknown>>): Principal {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject.trim() === '') {
    throw new PrincipalClaimsInvalid('token has no sub claim');
  }
  const roles = rolesFrom(claims.roles);
  const rpps = optionalString(claims, 'rpps');
  const finess = optionalString(claims, 'finess');
  const name = optionalString(claims, 'name');

  if (rpps !== undefined && !RPPS_FORMAT.test(rpps)) {
    throw new PrincipalClaimsInvalid('rpps claim must be 11 digits');
  }
  // The RPPS is what a prescription is signed in the name of: a mistyped one (bad Luhn key) is refused.
  if (rpps !== undefined && !isRpps(rpps)) {
    throw new PrincipalClaimsInvalid('rpps claim has a wrong check digit (Luhn)');
  }
  if (finess !== undefined && !FINESS_FORMAT.test(finess)) {
    throw new PrincipalClaimsInvalid('finess claim must be 9 characters (digits, or 2A/2B then 7 digits)');
  }
  // A prescription is signed in the name of an RPPS, and a dispensation is recorded against a
  // pharmacy and the pharmacist who served it: without these a role cannot be exercised.
  if (roles.includes('prescriber') && rpps === undefined) {
    throw new PrincipalClaimsInvalid('prescriber token requires an rpps claim');
  }
  if (roles.includes('pharmacist') && finess === undefined) {
    throw new PrincipalClaimsInvalid('pharmacist token requires a finess claim');
  }
  if (roles.includes('pharmacist') && rpps === undefined) {
    throw new PrincipalClaimsInvalid('pharmacist token requires an rpps claim');
  }

  return { subject, roles, ...(rpps && { rpps }), ...(finess && { finess }), ...(name && { name }) };
}

function rolesFrom(claim: unknown): Role[] {
  if (claim === undefined) return [];
  if (!Array.isArray(claim) || !claim.every((role) => typeof role === 'string')) {
    throw new PrincipalClaimsInvalid('roles claim must be an array of strings');
  }
  // An identity provider may grant roles that mean nothing here; they give no access, and do not
  // make the token unusable for the roles that do.
  return [...new Set(claim.filter(isRole))];
}

function optionalString(claims: Readonly<Record<string, unknown>>, claim: string): string | undefined {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new PrincipalClaimsInvalid(`${claim} claim must be a string`);
  return value;
}
