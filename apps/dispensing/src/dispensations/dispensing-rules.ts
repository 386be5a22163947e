import { DispensedLine, PrescribedLine, RefusalReason } from '@ordo/contracts';

/** A narcotic must be presented within 3 days, the day of writing not counted (CSP R.5132-33). */
export const NARCOTIC_PRESENTATION_DAYS = 3;
/** At most 30 days of treatment per dispensing, outside narcotics' own fractions (CSP R.5132-22). */
export const MAX_DAYS_PER_DISPENSING = 30;
/**
 * A renewal may start this many days before the previous supply runs out, so a patient is not
 * left without treatment on the last day.
 */
export const RENEWAL_TOLERANCE_DAYS = 5;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What dispensing knows of each line: given so far (all rounds), forfeited, and the last supply. */
export interface LineProgress {
  given: number;
  /** Quantity that can no longer be dispensed (a narcotic presented late loses the elapsed days). */
  forfeited: number;
  lastDispensedAt?: string;
  lastQuantity?: number;
}

export interface DispensablePrescriptionState {
  issuedAt: Date;
  lines: PrescribedLine[];
  progress: Record<string, LineProgress>;
}

export interface RequestedLine {
  lineNo: number;
  quantity: number;
  cip13?: string;
  generic?: boolean;
  notDispensedReason?: string;
}

export type LineRefusalReason = Extract<
  RefusalReason,
  'OVER_QUANTITY' | 'OVER_30_DAYS' | 'FRACTION_EXCEEDED' | 'NARCOTIC_PRESENTED_LATE' | 'RENEWAL_TOO_EARLY' | 'NOTHING_LEFT'
>;

export type DispensingDecision =
  | { ok: true; lines: DispensedLine[]; progress: Record<string, LineProgress>; complete: boolean }
  | { ok: false; reason: LineRefusalReason | 'UNKNOWN_LINE'; lineNo?: number; message: string };

/** Everything a line may ever give: the quantity, once more per renewal (never for a narcotic). */
export function totalAllowed(line: PrescribedLine): number {
  const renewals = line.regulation?.narcotic ? 0 : line.renewals;
  return line.quantity * (1 + renewals);
}

export function remaining(line: PrescribedLine, progress: LineProgress | undefined): number {
  return Math.max(0, totalAllowed(line) - (progress?.given ?? 0) - (progress?.forfeited ?? 0));
}

/** Whole calendar days between the day of writing and today (the day of writing counts as 0). */
function daysSinceWriting(issuedAt: Date, now: Date): number {
  const start = Date.UTC(issuedAt.getUTCFullYear(), issuedAt.getUTCMonth(), issuedAt.getUTCDate());
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.floor((today - start) / DAY_MS);
}

/** The most one dispensing of this line may give now, and the rule that sets that limit. */
export function dispensableNow(
  line: PrescribedLine,
  progress: LineProgress | undefined,
  issuedAt: Date,
  now: Date,
): { max: number; limitedBy: LineRefusalReason; forfeit: number; message: string } {
  const left = remaining(line, progress);
  if (left === 0) return { max: 0, limitedBy: 'NOTHING_LEFT', forfeit: 0, message: `line ${line.lineNo}: nothing left to dispense` };
  const given = progress?.given ?? 0;
  let max = left;
  let limitedBy: LineRefusalReason = 'OVER_QUANTITY';
  let message = `line ${line.lineNo}: ${left} left to dispense`;
  let forfeit = 0;
  // Renewals are later rounds: one dispensing never reaches into the next round.
  const roundLeft = line.quantity - (given % line.quantity);
  if (roundLeft < max) {
    max = roundLeft;
    message = `line ${line.lineNo}: ${roundLeft} left in this round; renewals come later`;
  }

  if (line.regulation?.narcotic) {
    const elapsed = daysSinceWriting(issuedAt, now);
    if (given === 0 && elapsed > NARCOTIC_PRESENTATION_DAYS) {
      const daysLeft = Math.max(0, line.durationDays - elapsed);
      const allowed = Math.floor((line.quantity * daysLeft) / line.durationDays);
      forfeit = line.quantity - allowed;
      if (allowed < max) {
        max = allowed;
        limitedBy = 'NARCOTIC_PRESENTED_LATE';
        message = `line ${line.lineNo}: presented ${elapsed} days after writing, only the ${daysLeft} remaining days (${allowed}) may be dispensed`;
      }
    }
    if (line.fractionDays) {
      const fraction = Math.ceil((line.quantity * line.fractionDays) / line.durationDays);
      if (fraction < max) {
        max = fraction;
        limitedBy = 'FRACTION_EXCEEDED';
        message = `line ${line.lineNo}: dispensed in fractions of ${line.fractionDays} days (${fraction})`;
      }
    }
  } else if (line.durationDays > MAX_DAYS_PER_DISPENSING) {
    const cap = Math.ceil((line.quantity * MAX_DAYS_PER_DISPENSING) / line.durationDays);
    if (cap < max) {
      max = cap;
      limitedBy = 'OVER_30_DAYS';
      message = `line ${line.lineNo}: at most ${MAX_DAYS_PER_DISPENSING} days (${cap}) per dispensing`;
    }
  }

  // After a full portion (a whole round, a fraction, 30 days), the next one waits for that supply to
  // run down; after a smaller one (a pack out of stock), the rest of the portion may follow at once.
  if (progress?.lastDispensedAt && progress.lastQuantity) {
    const coveredDays = (line.durationDays * progress.lastQuantity) / line.quantity;
    const earliest = new Date(Date.parse(progress.lastDispensedAt) + (coveredDays - RENEWAL_TOLERANCE_DAYS) * DAY_MS);
    const fullPortion = given % line.quantity === 0 || progress.lastQuantity >= portionSize(line);
    if (fullPortion && now < earliest) {
      return {
        max: 0,
        limitedBy: 'RENEWAL_TOO_EARLY',
        forfeit: 0,
        message: `line ${line.lineNo}: the previous supply lasts until ${earliest.toISOString().slice(0, 10)}`,
      };
    }
  }
  return { max, limitedBy, forfeit, message };
}

/** The most one dispensing may give when nothing else limits it. */
export function portionSize(line: PrescribedLine): number {
  if (line.regulation?.narcotic && line.fractionDays) return Math.ceil((line.quantity * line.fractionDays) / line.durationDays);
  if (!line.regulation?.narcotic && line.durationDays > MAX_DAYS_PER_DISPENSING) {
    return Math.ceil((line.quantity * MAX_DAYS_PER_DISPENSING) / line.durationDays);
  }
  return line.quantity;
}

/**
 * Decides one dispensing: per line, what may be given now under docs/french-rules.md#rules-at-dispensing, or the first rule the
 * request breaks. No requested lines means "as much as may be given now on every line".
 */
export function decideDispensing(
  state: DispensablePrescriptionState,
  requested: RequestedLine[] | undefined,
  now: Date,
): DispensingDecision {
  const byNo = new Map(state.lines.map((line) => [line.lineNo, line]));
  const limits = new Map(state.lines.map((line) => [line.lineNo, dispensableNow(line, state.progress[line.lineNo], state.issuedAt, now)]));
  const wanted: RequestedLine[] =
    requested ??
    state.lines
      .filter((line) => limits.get(line.lineNo)!.max > 0)
      .map((line) => ({ lineNo: line.lineNo, quantity: limits.get(line.lineNo)!.max }));

  for (const line of wanted) {
    if (!byNo.has(line.lineNo))
      return { ok: false, reason: 'UNKNOWN_LINE', lineNo: line.lineNo, message: `line ${line.lineNo} is not on the prescription` };
  }
  if (wanted.every((line) => line.quantity === 0)) {
    const blocked = state.lines.map((line) => limits.get(line.lineNo)!).find((limit) => limit.limitedBy === 'RENEWAL_TOO_EARLY');
    return blocked
      ? { ok: false, reason: 'RENEWAL_TOO_EARLY', message: blocked.message }
      : { ok: false, reason: 'NOTHING_LEFT', message: 'nothing left to dispense' };
  }
  const progress: Record<string, LineProgress> = structuredClone(state.progress);
  for (const line of wanted) {
    if (line.quantity === 0) continue;
    const limit = limits.get(line.lineNo)!;
    if (line.quantity > limit.max) {
      return { ok: false, reason: limit.limitedBy, lineNo: line.lineNo, message: `${limit.message}; ${line.quantity} asked` };
    }
    const before = progress[line.lineNo] ?? { given: 0, forfeited: 0 };
    progress[line.lineNo] = {
      given: before.given + line.quantity,
      forfeited: before.forfeited + limit.forfeit,
      lastDispensedAt: now.toISOString(),
      lastQuantity: line.quantity,
    };
  }
  const complete = state.lines.every((line) => remaining(line, progress[line.lineNo]) === 0);
  return {
    ok: true,
    lines: wanted.map(({ lineNo, quantity, cip13, generic, notDispensedReason }) => ({
      lineNo,
      quantity,
      ...(cip13 ? { cip13 } : {}),
      ...(generic !== undefined ? { generic } : {}),
      ...(notDispensedReason ? { notDispensedReason } : {}),
    })),
    progress,
    complete,
  };
}
