import { DecimalInteger } from '@ordo/contracts';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListEventsQuery {
  /** Prescription ID (the CloudEvents subject), grouped with hyphens or not. */
  @IsOptional() @IsString() @MaxLength(40) subject?: string;
  @IsOptional() @IsString() @MaxLength(200) type?: string;
  @IsOptional() @IsString() @MaxLength(200) topic?: string;
  /** The emitting service: `prescribing` or `/ordo/prescribing`. */
  @IsOptional() @IsString() @MaxLength(100) source?: string;
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(1000) limit?: number;
}
