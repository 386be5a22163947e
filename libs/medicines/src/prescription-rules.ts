// The rules a prescription line must meet when it is issued, from the medicine's BDPM conditions
// (CPD) and the Code de la santé publique (CSP). Pure functions: the caller looks the medicines up.
import { DispensingConditions, requiresSecurePrescription } from './dispensing-conditions';

/** CSP R.5132-30: no narcotic treatment longer than 28 days (shorter where an arrêté says, as CPD shows). */
export const NARCOTIC_MAX_DAYS = 28;
/** CSP R.5132-21: lists I and II are prescribed for 12 months at most; docs/french-rules.md#rules-at-issue applies it to every line. */
export const MAX_TREATMENT_DAYS = 365;

const ACTIVE_AUTHORISATION = 'autorisation active';

export interface PrescriptionUnderCheck {
  /** Written on a secure prescription form (ordonnance sécurisée). */
  secure: boolean;
  /**
   * No issue-time rule depends on it yet; it is part of the input so that date-bound rules (the
   * narcotic's 3-day presentation window, R.5132-33, belongs to dispensing) need no new signature.
   */
  issuedAt: Date | string;
}

export interface MedicineUnderCheck {
  cis: string;
  name: string;
  conditions: DispensingConditions;
  marketed: boolean;
  authorisationStatus: string;
}

export interface LineUnderCheck {
  lineNo: number;
  quantity: number;
  durationDays: number;
  renewals: number;
  /** Days per fraction when the prescriber splits the dispensing (narcotics only). */
  fractionDays?: number | null;
  medicine: MedicineUnderCheck;
}

export type RuleViolationCode =
  | 'MEDICINE_NOT_AUTHORISED'
  | 'HOSPITAL_ONLY'
  | 'SECURE_PRESCRIPTION_REQUIRED'
  | 'NARCOTIC_OVER_28_DAYS'
  | 'NARCOTIC_NO_RENEWAL'
  | 'OVER_MAX_DURATION'
  | 'TREATMENT_OVER_12_MONTHS'
  | 'FRACTIONS_NOT_ALLOWED'
  | 'FRACTION_OVER_MAX';

export interface RuleViolation {
  code: RuleViolationCode;
  lineNo: number;
  message: string;
}

/** Every rule a line breaks, in a stable order; an empty list means the lines may be issued. */
export function checkPrescriptionLines(prescription: PrescriptionUnderCheck, lines: readonly LineUnderCheck[]): RuleViolation[] {
  return lines.flatMap((line) => checkLine(prescription, line));
}

function checkLine(prescription: PrescriptionUnderCheck, line: LineUnderCheck): RuleViolation[] {
  const { lineNo, durationDays, renewals, medicine } = line;
  const { conditions } = medicine;
  const violations: RuleViolation[] = [];
  const violation = (code: RuleViolationCode, message: string) =>
    violations.push({ code, lineNo, message: `${medicine.name} (CIS ${medicine.cis}): ${message}` });
  const treatmentDays = durationDays * (1 + renewals);

  // BDPM keeps abrogated, withdrawn, archived and suspended CIS for history, so prescribing software
  // with a stale list can still pick one; without an active authorisation it may not be dispensed.
  if (medicine.authorisationStatus.trim().toLowerCase() !== ACTIVE_AUTHORISATION) {
    violation('MEDICINE_NOT_AUTHORISED', `marketing authorisation is not active (${medicine.authorisationStatus})`);
  }

  // CSP R.5121-83: a medicine reserved to hospital use is prescribed in hospital and dispensed only
  // by a hospital pharmacy (PUI), so a prescription for a community pharmacy cannot carry it.
  if (conditions.hospitalOnly) {
    violation('HOSPITAL_ONLY', 'reserved to hospital use (réservé à l’usage hospitalier), not dispensable in a community pharmacy');
  }

  // CSP R.5132-5 (narcotics) and the CPD mentions "sur ordonnance sécurisée": the form itself is
  // part of the control, so a plain prescription is refused rather than flagged.
  if (!prescription.secure && requiresSecurePrescription(conditions)) {
    violation(
      'SECURE_PRESCRIPTION_REQUIRED',
      conditions.narcotic ? 'a narcotic needs a secure prescription' : 'must be prescribed on a secure prescription',
    );
  }

  if (conditions.narcotic) {
    // CSP R.5132-30: 28 days at most, reduced for some products by arrêté; CPD carries the reduced
    // limit ("prescription limitée à 7 jours", "… à 2 semaines"). Renewals are reported separately.
    const limit = Math.min(NARCOTIC_MAX_DAYS, conditions.maxPrescriptionDays ?? NARCOTIC_MAX_DAYS);
    if (durationDays > limit) {
      violation('NARCOTIC_OVER_28_DAYS', `a narcotic may be prescribed for ${limit} days at most, not ${durationDays}`);
    }
    // The 28-day ceiling is for the whole treatment: a renewal would extend it, so a narcotic
    // prescription is never renewable; continuing needs a new prescription (docs/french-rules.md#narcotics).
    if (renewals > 0) violation('NARCOTIC_NO_RENEWAL', `a narcotic prescription cannot be renewed (${renewals} written)`);
  } else if (conditions.maxPrescriptionDays !== null && treatmentDays > conditions.maxPrescriptionDays) {
    // "prescription limitée à …" (hypnotics 4 weeks, anxiolytics 12 weeks, pregabalin 6 months)
    // limits the whole treatment, renewals included.
    violation(
      'OVER_MAX_DURATION',
      `prescription is limited to ${conditions.maxPrescriptionDays} days, renewals included; ${treatmentDays} written` +
        (conditions.maxPrescriptionNote ? ` (${conditions.maxPrescriptionNote})` : ''),
    );
  }

  // CSP R.5132-21 / R.5132-22: 12 months at most, renewals included.
  if (treatmentDays > MAX_TREATMENT_DAYS) {
    violation('TREATMENT_OVER_12_MONTHS', `treatment of ${treatmentDays} days with renewals exceeds 12 months`);
  }

  const fractionDays = line.fractionDays ?? null;
  if (fractionDays !== null) {
    if (!conditions.narcotic) {
      // CSP R.5132-30: split dispensing is a narcotics mechanism, set per product by arrêté.
      violation('FRACTIONS_NOT_ALLOWED', 'split dispensing (fractions) applies to narcotics only');
    } else {
      // The arrêté behind "délivrance fractionnée de N jours" sets the longest fraction; a fraction
      // longer than the treatment is not a fraction.
      const limit = Math.min(conditions.fractionedDispensingDays ?? durationDays, durationDays);
      if (fractionDays < 1 || fractionDays > limit) {
        violation('FRACTION_OVER_MAX', `fractions must be of 1 to ${limit} days, not ${fractionDays}`);
      }
    }
  }
  return violations;
}

/**
 * Whether a line may be dispensed again after its first dispensing (CSP R.5132-22, docs/french-rules.md#renewals):
 * list I only when the prescriber wrote renewals; list II unless the prescriber forbade it;
 * narcotics never. `renewalsWritten` is null when the prescriber wrote nothing about renewal and 0
 * when they wrote "non renouvelable". Medicines on no list follow list II: no rule forbids it.
 * Either way renewals stay within the 12 months of R.5132-21.
 */
export function renewable(conditions: DispensingConditions, renewalsWritten: number | null | undefined): boolean {
  if (conditions.narcotic) return false;
  const written = renewalsWritten ?? null;
  if (conditions.listI) return written !== null && written > 0;
  return written !== 0;
}
