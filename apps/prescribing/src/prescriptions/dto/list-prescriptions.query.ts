import { IsNir } from '@ordo/identifiers';
import { DecimalInteger, PRESCRIPTION_STATUSES, PrescriptionStatus } from '@ordo/contracts';
import { IsBase64, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export class ListPrescriptionsQuery {
  /** The patient's INS; matched through its pseudonym, never stored in clear in an index. */
  @IsOptional() @IsNir() patient?: string;
  @IsOptional() @IsIn(PRESCRIPTION_STATUSES) status?: PrescriptionStatus;
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(100) limit?: number;
  /** Opaque: the `next` of the previous page. */
  @IsOptional() @IsBase64({ urlSafe: true }) cursor?: string;
}
