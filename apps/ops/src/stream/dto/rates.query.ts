import { DecimalInteger } from '@ordo/contracts';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RatesQuery {
  /** The window, in minutes (default 15). */
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(24 * 60) minutes?: number;
  /** One point per this many seconds (default 10). */
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(3600) bucketSeconds?: number;
}
