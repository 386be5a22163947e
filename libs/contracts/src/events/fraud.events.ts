import { Type } from 'class-transformer';
import { ArrayMinSize, IsIn, IsInt, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { Topics } from '../topics';
import { FiredRule, PRESCRIPTION_ID_PATTERN } from './common';

export class FraudAlertRaised {
  static readonly type = 'fr.ordo.fraud.alert-raised.v1';
  static readonly topic = Topics.fraud;

  @IsUUID() alertId: string;
  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsInt() @Min(0) score: number;
  @IsIn(['review', 'hold']) level: 'review' | 'hold';
  @ValidateNested({ each: true }) @Type(() => FiredRule) @ArrayMinSize(1) rules: FiredRule[];
}
