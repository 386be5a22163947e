import { NestedArray } from '../nested';
import { ArrayMinSize, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { Topics } from '../topics';
import { DispensedLine, FiredRule, PRESCRIPTION_ID_PATTERN } from './common';

const FINESS = /^(?:\d{2}|2A|2B)\d{7}$/;
const RPPS = /^\d{11}$/;

/** What verifying a scanned code (or a typed ID) found, before any lookup. */
export const SCAN_OUTCOMES = [
  'genuine',
  'typed',
  'forged-signature',
  'unknown-key',
  'revoked-key',
  'bad-check-digits',
  'malformed',
  'unknown-id',
] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];

/** Every scan, genuine or not: fraud reads forged and replayed codes from these. */
export class PrescriptionScanned {
  static readonly type = 'fr.ordo.dispensing.scanned.v1';
  static readonly topic = Topics.dispensing;

  /** The ID the code or the typist claimed, when one could be read; absent for unreadable codes. */
  @IsOptional() @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId?: string;
  @IsIn(SCAN_OUTCOMES) outcome: ScanOutcome;
  @IsOptional() @IsString() kid?: string;
  @IsOptional() @IsString() detail?: string;
  /** The prescription's status when the scan found it (genuine or typed). */
  @IsOptional() @IsString() status?: string;
  @Matches(FINESS) pharmacyFiness: string;
  @Matches(RPPS) pharmacistRpps: string;
}

/** Which way a pre-dispense verdict came: from fraud, or from the timeout policy (docs/fraud.md#timeout-policy). */
export const VERDICT_SOURCES = ['fraud', 'timeout-fail-open', 'timeout-fail-closed'] as const;
export type VerdictSource = (typeof VERDICT_SOURCES)[number];

export class PrescriptionClaimed {
  static readonly type = 'fr.ordo.dispensing.claimed.v1';
  static readonly topic = Topics.dispensing;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsUUID() claimId: string;
  @Matches(FINESS) pharmacyFiness: string;
  @Matches(RPPS) pharmacistRpps: string;
  @IsISO8601() expiresAt: string;
  @IsIn(['allow', 'review']) decision: 'allow' | 'review';
  @IsIn(VERDICT_SOURCES) verdictSource: VerdictSource;
}

export class PrescriptionReleased {
  static readonly type = 'fr.ordo.dispensing.released.v1';
  static readonly topic = Topics.dispensing;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsUUID() claimId: string;
  @Matches(FINESS) pharmacyFiness: string;
  /** `released` by the pharmacy, or `expired` when the claim ran out. */
  @IsIn(['released', 'expired', 'voided']) reason: 'released' | 'expired' | 'voided';
  /** Where the prescription stands once the claim is gone. */
  @IsIn(['ISSUED', 'PARTIALLY_DISPENSED', 'CANCELLED', 'EXPIRED']) status: 'ISSUED' | 'PARTIALLY_DISPENSED' | 'CANCELLED' | 'EXPIRED';
}

export class PrescriptionDispensed {
  static readonly type = 'fr.ordo.dispensing.dispensed.v1';
  static readonly topic = Topics.dispensing;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsUUID() dispensationId: string;
  @IsOptional() @IsUUID() claimId?: string;
  @Matches(FINESS) pharmacyFiness: string;
  @Matches(RPPS) pharmacistRpps: string;
  /** True when nothing is left to dispense on any line, renewals included. */
  @IsBoolean() complete: boolean;
  @NestedArray(() => DispensedLine) @ArrayMinSize(1) lines: DispensedLine[];
}

export const REFUSAL_REASONS = [
  'ALREADY_DISPENSED',
  'CANCELLED',
  'EXPIRED',
  'ON_HOLD',
  'CLAIMED_ELSEWHERE',
  'NOTHING_LEFT',
  'OVER_QUANTITY',
  'FRAUD_DENIED',
  'RENEWAL_TOO_EARLY',
  'INVALID_CLAIM_SECRET',
  'FRAUD_UNAVAILABLE',
  'OVER_30_DAYS',
  'FRACTION_EXCEEDED',
  'NARCOTIC_PRESENTED_LATE',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** A dispensing or claim attempt that was refused; fraud reads these as evidence. */
export class DispensingRefused {
  static readonly type = 'fr.ordo.dispensing.refused.v1';
  static readonly topic = Topics.dispensing;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @Matches(FINESS) pharmacyFiness: string;
  @Matches(RPPS) pharmacistRpps: string;
  @IsIn(REFUSAL_REASONS) reason: RefusalReason;
  @IsString() message: string;
  /** The fraud rules behind a FRAUD_DENIED refusal. */
  @NestedArray(() => FiredRule, { optional: true }) rules?: FiredRule[];
}
