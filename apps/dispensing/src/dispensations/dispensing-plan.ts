import { DispensedLine, PrescribedLine, PrescriptionStatus, RefusalReason } from '@ordo/contracts';

export interface RequestedLine {
  lineNo: number;
  quantity: number;
  cip13?: string;
}

export type DispensingPlan =
  | { ok: true; lines: DispensedLine[]; given: Record<string, number>; complete: boolean }
  | { ok: false; reason: RefusalReason | 'OVER_QUANTITY' | 'UNKNOWN_LINE'; message: string };

const REFUSED_STATUSES: Partial<Record<PrescriptionStatus, RefusalReason>> = {
  DISPENSED: 'ALREADY_DISPENSED',
  CANCELLED: 'CANCELLED',
  EXPIRED: 'EXPIRED',
  ON_HOLD: 'ON_HOLD',
};

/** What is still owed on each line: the prescribed quantity less what was given. */
export function remainingByLine(lines: PrescribedLine[], given: Record<string, number>): Map<number, number> {
  return new Map(lines.map((line) => [line.lineNo, line.quantity - (given[line.lineNo] ?? 0)]));
}

/**
 * Decides a dispensing: refuses it with the reason a pharmacist can act on, or returns what is given
 * per line and whether the prescription is then complete. No request lines means "everything left".
 */
export function planDispensing(
  prescription: { status: PrescriptionStatus; lines: PrescribedLine[]; given: Record<string, number>; validUntil: Date },
  requested: RequestedLine[] | undefined,
  now: Date,
): DispensingPlan {
  const refused = REFUSED_STATUSES[prescription.status];
  if (refused) return { ok: false, reason: refused, message: `prescription is ${prescription.status.toLowerCase().replace('_', ' ')}` };
  if (now > prescription.validUntil) return { ok: false, reason: 'EXPIRED', message: 'prescription is past its validity' };

  const remaining = remainingByLine(prescription.lines, prescription.given);
  const wanted: RequestedLine[] = requested ?? [...remaining].filter(([, left]) => left > 0).map(([lineNo, left]) => ({ lineNo, quantity: left }));
  if (wanted.length === 0 || wanted.every((line) => line.quantity === 0)) {
    return { ok: false, reason: 'NOTHING_LEFT', message: 'nothing left to dispense' };
  }
  const given = { ...prescription.given };
  for (const line of wanted) {
    const left = remaining.get(line.lineNo);
    if (left === undefined) return { ok: false, reason: 'UNKNOWN_LINE', message: `line ${line.lineNo} is not on the prescription` };
    if (line.quantity > left) {
      return { ok: false, reason: 'OVER_QUANTITY', message: `line ${line.lineNo}: ${line.quantity} asked, ${left} left` };
    }
    given[line.lineNo] = (given[line.lineNo] ?? 0) + line.quantity;
  }
  const complete = [...remainingByLine(prescription.lines, given).values()].every((left) => left <= 0);
  return {
    ok: true,
    lines: wanted.map(({ lineNo, quantity, cip13 }) => ({ lineNo, quantity, ...(cip13 ? { cip13 } : {}) })),
    given,
    complete,
  };
}
