import { RefusalReason, ScanOutcome } from '@ordo/contracts';

/**
 * What the rules read, computed in TypeScript from the event and fraud's state. A fact left
 * undefined is unknown for this event, and a rule that needs it does not fire.
 */
export interface FraudFacts {
  /** The event being assessed: issued, scanned, claimed, dispensed, refused, check. */
  trigger: 'issued' | 'cancelled' | 'expired' | 'scanned' | 'claimed' | 'dispensed' | 'refused' | 'check';
  prescriptionId?: string;
  prescriberRpps?: string;
  pharmacyFiness?: string;

  scanOutcome?: ScanOutcome;
  /** A genuine or typed code presented again after the prescription was fully dispensed. */
  usedCodePresented?: boolean;
  refusalReason?: RefusalReason;
  /** A scan, claim or check on a prescription fraud knows as cancelled or expired. */
  presentedAfterEnd?: 'cancelled' | 'expired';
  /** Highest dispensed ÷ prescribed-with-renewals over the lines. */
  overQuantityRatio?: number;

  narcotic?: boolean;
  securePrescription?: boolean;
  /** The longest duration of a narcotic line, in days. */
  narcoticDurationDays?: number;
  /** On the first presentation of a narcotic prescription: whole days since the day of writing. */
  presentationDelayDays?: number;
  /** The largest overlap, in days, with another active narcotic prescription of the patient. */
  narcoticOverlapDays?: number;

  patientPrescribersInWindow?: number;
  patientPharmaciesInWindow?: number;

  prescriberDailyCount?: number;
  /** prescriberDailyCount ÷ the peers' median day. */
  prescriberVelocityRatio?: number;
  prescriberStatus?: 'known' | 'unknown' | 'deactivated';

  /** Watch-list molecules on the prescription, comma-separated; empty when none. */
  watchListed?: string;
  watchListCount?: number;
}

/** Whole calendar days (UTC) from the day of `from` to the day of `to`: the day of writing is not counted. */
export function daysAfter(from: Date, to: Date): number {
  const day = (date: Date) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return Math.floor((day(to) - day(from)) / 86_400_000);
}

export interface NarcoticPeriod {
  prescriptionId: string;
  start: Date;
  end: Date;
}

/** The largest number of days `period` shares with any of `others` (0 when none overlap). */
export function largestOverlapDays(period: { start: Date; end: Date }, others: NarcoticPeriod[]): number {
  let largest = 0;
  for (const other of others) {
    const overlap =
      (Math.min(period.end.getTime(), other.end.getTime()) - Math.max(period.start.getTime(), other.start.getTime())) / 86_400_000;
    if (overlap > largest) largest = overlap;
  }
  return Math.floor(largest);
}

/** Highest ratio of what was dispensed to what was prescribed (with renewals) over the lines. */
export function overQuantityRatio(lines: { quantity: number; renewals: number; dispensed: number }[]): number {
  let ratio = 0;
  for (const line of lines) {
    const allowed = line.quantity * (1 + line.renewals);
    if (allowed > 0) ratio = Math.max(ratio, line.dispensed / allowed);
  }
  return ratio;
}

/** Median of the values; 0 for none. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
