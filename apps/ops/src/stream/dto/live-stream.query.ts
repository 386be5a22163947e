import { DecimalInteger } from '@ordo/contracts';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Filters of the live stream; `type` and `subject` match any part, in any case. */
export class LiveStreamQuery {
  /** The access token, for EventSource, which cannot send an Authorization header. */
  @IsOptional() @IsString() @MaxLength(8000) token?: string;
  @IsOptional() @IsString() @MaxLength(200) type?: string;
  @IsOptional() @IsString() @MaxLength(40) subject?: string;
  @IsOptional() @IsString() @MaxLength(100) source?: string;
  @IsOptional() @IsString() @MaxLength(200) topic?: string;
  @IsOptional() @Transform(({ value }) => value === 'true' || value === true) @IsBoolean() deadLetter?: boolean;
  /** How many recent matching events to send first (default 100). */
  @IsOptional() @DecimalInteger() @IsInt() @Min(0) @Max(1000) backlog?: number;
}
