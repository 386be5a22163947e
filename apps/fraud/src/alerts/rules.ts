import { DispensingRefused, FiredRule } from '@ordo/contracts';

/** Score at or above which an alert asks an analyst to review. */
export const REVIEW_THRESHOLD = 40;
/** Score at or above which the prescription is put on hold. */
export const HOLD_THRESHOLD = 80;

/** Rules that read one refused dispensing attempt. */
export function rulesForRefusal(refused: DispensingRefused): FiredRule[] {
  const fired: FiredRule[] = [];
  if (refused.reason === 'ALREADY_DISPENSED') {
    fired.push({
      code: 'DOUBLE_DISPENSE_ATTEMPT',
      reason: `pharmacy ${refused.pharmacyFiness} tried to dispense a prescription already dispensed`,
      weight: 60,
    });
  }
  if (refused.reason === 'CANCELLED' || refused.reason === 'EXPIRED') {
    fired.push({
      code: 'DISPENSE_AFTER_END',
      reason: `pharmacy ${refused.pharmacyFiness} tried to dispense a ${refused.reason.toLowerCase()} prescription`,
      weight: 50,
    });
  }
  if (refused.reason === 'OVER_QUANTITY') {
    fired.push({ code: 'OVER_QUANTITY', reason: refused.message, weight: 40 });
  }
  return fired;
}

export function levelFor(score: number): 'review' | 'hold' | undefined {
  if (score >= HOLD_THRESHOLD) return 'hold';
  if (score >= REVIEW_THRESHOLD) return 'review';
  return undefined;
}
