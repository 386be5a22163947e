import { DecimalInteger } from '@ordo/contracts';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class AuditQuery {
  @IsOptional()
  @Matches(/^[0-9A-HJKMNP-TV-Z]{16}[0-9]{2}$/, { message: 'prescriptionId must be a canonical prescription ID' })
  prescriptionId?: string;
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(500) limit?: number;
}
