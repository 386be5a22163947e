import { NestedArray } from '../nested';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';
import { Topics } from '../topics';
import { FiredRule, PRESCRIPTION_ID_PATTERN } from './common';

export class FraudAlertRaised {
  static readonly type = 'fr.ordo.fraud.alert-raised.v1';
  static readonly topic = Topics.fraud;

  @IsUUID() alertId: string;
  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsInt() @Min(0) score: number;
  @IsIn(['review', 'hold']) level: 'review' | 'hold';
  @NestedArray(() => FiredRule) @ArrayMinSize(1) rules: FiredRule[];
  /** Ids of the events that fired the rules. */
  @IsOptional() @IsArray() @IsString({ each: true }) evidence?: string[];
}

/** Dispensing then refuses claims on the prescription until the hold is lifted. */
export class HoldPlaced {
  static readonly type = 'fr.ordo.fraud.hold-placed.v1';
  static readonly topic = Topics.fraud;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsUUID() holdId: string;
  @IsString() reason: string;
  /** `rules` when the interdiction threshold was crossed, or the analyst's subject. */
  @IsString() placedBy: string;
  @IsOptional() @IsUUID() alertId?: string;
}

export class HoldLifted {
  static readonly type = 'fr.ordo.fraud.hold-lifted.v1';
  static readonly topic = Topics.fraud;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsUUID() holdId: string;
  @IsString() reason: string;
  @IsString() liftedBy: string;
}

export class CaseClosed {
  static readonly type = 'fr.ordo.fraud.case-closed.v1';
  static readonly topic = Topics.fraud;

  @IsUUID() alertId: string;
  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsIn(['confirmed-fraud', 'false-positive']) resolution: 'confirmed-fraud' | 'false-positive';
  @IsString() reason: string;
  @IsString() closedBy: string;
}

/**
 * Dispensing asks fraud for a verdict before a claim (request-reply over Kafka). Not an outbox event:
 * it is a question that matters only while the pharmacist waits.
 */
export class FraudCheckRequested {
  static readonly type = 'fr.ordo.fraud.check-requested.v1';
  static readonly topic = Topics.fraudChecks;

  @IsUUID() checkId: string;
  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @Matches(/^(?:\d{2}|2A|2B)\d{7}$/) pharmacyFiness: string;
  @Matches(/^\d{11}$/) pharmacistRpps: string;
  @IsString() patientPseudonym: string;
  /** A narcotic on the prescription: on timeout, the claim fails closed. */
  @IsBoolean() narcotic: boolean;
  /** The scan that led to this claim was typed, not read from a code. */
  @IsBoolean() typed: boolean;
}

export class FraudVerdict {
  static readonly type = 'fr.ordo.fraud.verdict.v1';
  static readonly topic = Topics.fraudCheckReplies;

  @IsUUID() checkId: string;
  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsIn(['allow', 'review', 'deny']) decision: 'allow' | 'review' | 'deny';
  @IsInt() @Min(0) score: number;
  @NestedArray(() => FiredRule) reasons: FiredRule[];
}
