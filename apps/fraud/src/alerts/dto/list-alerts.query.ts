import { DecimalInteger } from '@ordo/contracts';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class ListAlertsQuery {
  @IsOptional()
  @Matches(/^[0-9A-HJKMNP-TV-Z]{16}[0-9]{2}$/, { message: 'prescriptionId must be a canonical prescription ID' })
  prescriptionId?: string;
  @IsOptional() @IsString() @MaxLength(100) patientPseudonym?: string;
  @IsOptional() @IsIn(['open', 'closed']) status?: 'open' | 'closed';
  @IsOptional() @IsIn(['review', 'hold']) level?: 'review' | 'hold';
  @IsOptional() @Matches(/^[A-Z_]{3,60}$/, { message: 'rule must be a rule code such as DOUBLE_DISPENSE_ATTEMPT' }) rule?: string;
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @DecimalInteger() @IsInt() @Min(0) offset?: number;
}
