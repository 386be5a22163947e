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

  /** Distinct prescribers and pharmacies of the patient's (watched) path within the episode window, this event included. */
  episodePrescribers?: number;
  episodePharmacies?: number;
  /** The largest overlap, in days, of this prescription's supply of a watched molecule or class with another's. */
  supplyOverlapDays?: number;
  /** Other prescriptions whose supply of the same molecule or class overlaps this one's beyond the tolerance. */
  overlappingSupplies?: number;
  /** Watched prescriptions the prescriber wrote today for patients new to them, this one included. */
  prescriberNewPatientsToday?: number;
  /** …as a multiple of the most on any earlier day of their own history (at least 1). */
  prescriberNewPatientsRatio?: number;
  /** Watched prescriptions the prescriber wrote today, this one included… */
  prescriberWatchedToday?: number;
  /** …their share of the prescriber's prescriptions today, as a multiple of the share in their own history (smoothed). */
  prescriberWatchedShareRatio?: number;
  /** Written at night by a prescriber whose history holds enough prescriptions and few at night. */
  unusualHour?: boolean;
  /** Local hour of writing, for the reason. */
  localHour?: number;
  /** The line farthest above its medicine's usual units per day: that multiple. */
  quantityRatio?: number;
  quantityLabel?: string;

  /** What lies behind the signals, for analysts: keyed as the rules' `explainedBy` names them. */
  details?: SignalDetails;
}

/** The providers, supplies, prescriptions and quantities behind a signal, as an analyst reads them. */
export interface SignalDetails {
  providers?: {
    windowDays: number;
    prescribers: { rpps: string; prescriptionId: string; at: string }[];
    pharmacies: { finess: string; prescriptionId: string; at: string }[];
  };
  supplies?: {
    moleculeClass: string;
    toleranceDays: number;
    this: SupplyDetail;
    overlapping: (SupplyDetail & { overlapDays: number })[];
  };
  newPatients?: { day: string; today: number; usualMostInADay: number; historyDays: number; prescriptionIds: string[] };
  watchedDay?: {
    day: string;
    watchedToday: number;
    prescriptionsToday: number;
    usualShare: number;
    historyPrescriptions: number;
    historyDays: number;
  };
  hour?: { localHour: number; timeZone: string; nightShare: number; historyPrescriptions: number };
  quantity?: { label: string; unitsPerDay: number; usualUnitsPerDay: number; samples: number };
}

export interface SupplyDetail {
  prescriptionId: string;
  prescriberRpps: string;
  molecules: string[];
  start: string;
  end: string;
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

export interface Supply {
  prescriptionId: string;
  prescriberRpps: string;
  moleculeClass: string;
  molecules: string[];
  start: Date;
  end: Date;
}

/**
 * The days a supply shares with each other supply of the same class (not the same prescription),
 * largest first; those within the tolerance are left out.
 */
export function overlappingSupplies(supply: Supply, others: Supply[], toleranceDays: number): { supply: Supply; overlapDays: number }[] {
  const found: { supply: Supply; overlapDays: number }[] = [];
  for (const other of others) {
    if (other.moleculeClass !== supply.moleculeClass || other.prescriptionId === supply.prescriptionId) continue;
    const overlapDays = Math.floor(
      (Math.min(supply.end.getTime(), other.end.getTime()) - Math.max(supply.start.getTime(), other.start.getTime())) / 86_400_000,
    );
    if (overlapDays > toleranceDays) found.push({ supply: other, overlapDays });
  }
  return found.sort((a, b) => b.overlapDays - a.overlapDays);
}

/** The hour of day (0–23) of `at` in `timeZone`: one formatter per zone, made once. */
export function localHour(at: Date, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (!format) hourFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' })));
  return Number(format.format(at));
}
const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** Whether a local hour falls in [from, to), the range wrapping past midnight when from > to. */
export function isNight(hour: number, [from, to]: [number, number]): boolean {
  return from <= to ? hour >= from && hour < to : hour >= from || hour < to;
}
