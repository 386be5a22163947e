import { Type } from 'class-transformer';
import { ArrayMinSize, IsBoolean, IsIn, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import { Topics } from '../topics';
import { DispensedLine, PRESCRIPTION_ID_PATTERN } from './common';

export class PrescriptionDispensed {
  static readonly type = 'fr.ordo.dispensing.dispensed.v1';
  static readonly topic = Topics.dispensing;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsUUID() dispensationId: string;
  @Matches(/^\d{9}$/) pharmacyFiness: string;
  @Matches(/^\d{11}$/) pharmacistRpps: string;
  /** True when nothing is left to dispense on any line. */
  @IsBoolean() complete: boolean;
  @ValidateNested({ each: true }) @Type(() => DispensedLine) @ArrayMinSize(1) lines: DispensedLine[];
}

export const REFUSAL_REASONS = [
  'ALREADY_DISPENSED',
  'CANCELLED',
  'EXPIRED',
  'ON_HOLD',
  'CLAIMED_ELSEWHERE',
  'NOTHING_LEFT',
  'OVER_QUANTITY',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** A dispensing attempt that was refused; fraud reads these as evidence. */
export class DispensingRefused {
  static readonly type = 'fr.ordo.dispensing.refused.v1';
  static readonly topic = Topics.dispensing;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @Matches(/^\d{9}$/) pharmacyFiness: string;
  @Matches(/^\d{11}$/) pharmacistRpps: string;
  @IsIn(REFUSAL_REASONS) reason: RefusalReason;
  @IsString() message: string;
}
