/** The four BDPM files this library reads, by what they hold. */
export const BDPM_FILES = {
  medicines: 'CIS_bdpm.txt',
  presentations: 'CIS_CIP_bdpm.txt',
  conditions: 'CIS_CPD_bdpm.txt',
  compositions: 'CIS_COMPO_bdpm.txt',
} as const;

export type BdpmFileName = (typeof BDPM_FILES)[keyof typeof BDPM_FILES];

/** A speciality (CIS_bdpm.txt). Dates are ISO `YYYY-MM-DD`. */
export interface Medicine {
  cis: string;
  name: string;
  form: string;
  routes: string[];
  /** As ANSM writes it: `Autorisation active`, `Autorisation abrogée`, `… archivée`, `… retirée`, `… suspendue`. */
  authorisationStatus: string;
  procedure: string;
  marketed: boolean;
  authorisationDate: string | null;
  /** `Alerte`, `Warning disponibilité`, or null. */
  bdmStatus: string | null;
  euNumber: string | null;
  holders: string[];
  /** Black triangle: additional monitoring. */
  enhancedMonitoring: boolean;
}

/** A pack (CIS_CIP_bdpm.txt). Amounts in euros; the rate in percent (65 for `65 %`). */
export interface Presentation {
  cis: string;
  cip7: string;
  cip13: string;
  label: string;
  status: string;
  marketingStatus: string;
  marketingDate: string | null;
  /** Agrément aux collectivités; null when ANSM says `inconnu`. */
  approvedForCommunities: boolean | null;
  reimbursementRate: number | null;
  price: number | null;
  /** Price to the public, dispensing fees included. */
  publicPrice: number | null;
  dispensingFee: number | null;
  /** Indications opening reimbursement when a pack has several rates; may hold HTML `<br>`. */
  indicationsText: string | null;
}

/** One condition of prescription or dispensing (CIS_CPD_bdpm.txt); a CIS has zero or more. */
export interface Condition {
  cis: string;
  text: string;
}

/** SA = active substance; FT = therapeutic fraction (ANSM's format document calls it ST). */
export type CompositionNature = 'SA' | 'FT';

/** One substance of one pharmaceutical element (CIS_COMPO_bdpm.txt). */
export interface Composition {
  cis: string;
  element: string;
  /** Kept as text: codes have leading zeros (`05319`). */
  substanceCode: string;
  substanceName: string;
  dosage: string | null;
  dosageReference: string | null;
  nature: CompositionNature;
  /** Links an SA row to the FT row it is expressed as. */
  linkNo: number;
}

/** A row the parser could not take as it is, with where to find it. */
export interface ParseIssue {
  file: string;
  line: number;
  message: string;
}
