import { DecimalInteger } from '@ordo/contracts';
import { IsNir } from '@ordo/identifiers';
import { IsPrescriptionId } from '@ordo/rx-id';
import { IsDefined, IsISO8601, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';

/** An auditor's question: the accesses to one prescription, or to one patient's (by INS), newest first. */
export class AccessLogQuery {
  @ValidateIf((query: AccessLogQuery) => query.patient === undefined)
  @IsDefined({ message: 'prescriptionId or patient is required' })
  @IsPrescriptionId()
  prescriptionId?: string;

  @IsOptional() @IsNir() patient?: string;
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(500) limit?: number;
  /** Only accesses before this time: the `at` of the last record of the previous page. */
  @IsOptional() @IsISO8601({ strict: true }) before?: string;
}
