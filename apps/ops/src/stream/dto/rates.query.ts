import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RatesQuery {
  /** The window, in minutes (default 15). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(24 * 60) minutes?: number;
  /** One point per this many seconds (default 10). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3600) bucketSeconds?: number;
}
