import { Injectable } from '@nestjs/common';
import { DispensingRefused, FiredRule, RefusalReason } from '@ordo/contracts';
import { Sql } from '@ordo/database';
import { Outbox } from '@ordo/messaging';
import { PrescriptionNotDispensable } from '../dispensations/dispensing.errors';
import { remaining } from '../dispensations/dispensing-rules';
import { DispensablePrescription } from '../prescriptions/dispensable-prescription.entity';
import { Pharmacy } from '../scans/code-reader';

/** A prescription dispensed for the first time after this is out of its validity (docs/french-rules.md#validity). */
const TREATMENT_MONTHS = 12;

export interface Refusal {
  reason: RefusalReason;
  message: string;
  status: number;
  rules?: FiredRule[];
}

/** Why this prescription cannot be claimed now, or undefined when it can. */
export function claimRefusal(prescription: DispensablePrescription, pharmacy: Pharmacy, now: Date): Refusal | undefined {
  switch (prescription.status) {
    case 'DISPENSED':
      return { reason: 'ALREADY_DISPENSED', message: 'the prescription was already dispensed in full', status: 409 };
    case 'CANCELLED':
      return { reason: 'CANCELLED', message: 'the prescriber cancelled this prescription', status: 409 };
    case 'EXPIRED':
      return { reason: 'EXPIRED', message: 'the prescription is past its validity', status: 409 };
    case 'CLAIMED':
      return { reason: 'CLAIMED_ELSEWHERE', message: 'another dispensing holds this prescription; it must be released first', status: 409 };
  }
  if (prescription.holdId) return { reason: 'ON_HOLD', message: 'the prescription is on hold pending a fraud review', status: 423 };
  const started = Object.values(prescription.progress).some((line) => line.given > 0);
  const treatmentEnd = new Date(prescription.issuedAt);
  treatmentEnd.setMonth(treatmentEnd.getMonth() + TREATMENT_MONTHS);
  if ((!started && now > prescription.validUntil) || now > treatmentEnd) {
    return { reason: 'EXPIRED', message: 'the prescription is past its validity', status: 409 };
  }
  if (prescription.lines.every((line) => remaining(line, prescription.progress[line.lineNo]) === 0)) {
    return { reason: 'NOTHING_LEFT', message: 'nothing is left to dispense', status: 409 };
  }
  return undefined;
}

/** Records refused attempts (fraud reads them); nothing else changes. */
@Injectable()
export class Refusals {
  constructor(
    private readonly sql: Sql,
    private readonly outbox: Outbox,
  ) {}

  /** Records the refused attempt and returns the error that answers it: `throw await refusals.record(…)`. */
  async record(prescriptionId: string, pharmacy: Pharmacy, refusal: Refusal): Promise<PrescriptionNotDispensable> {
    await this.outbox.append(this.sql, DispensingRefused, prescriptionId, {
      prescriptionId,
      pharmacyFiness: pharmacy.finess,
      pharmacistRpps: pharmacy.rpps,
      reason: refusal.reason,
      message: refusal.message,
      ...(refusal.rules ? { rules: refusal.rules } : {}),
    });
    return new PrescriptionNotDispensable(refusal.reason, refusal.message, refusal.status, refusal.rules ? { rules: refusal.rules } : {});
  }
}
