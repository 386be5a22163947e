import { DecimalInteger } from '@ordo/contracts';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** A dead letter is named by where it sits: its dead-letter topic, partition and offset. */
export class DeadLetterParams {
  @IsString() @Matches(/^[A-Za-z0-9._-]+\.dlq$/, { message: 'topic must be a dead-letter topic (<topic>.dlq)' }) topic: string;
  @DecimalInteger() @IsInt() @Min(0) @Max(100000) partition: number;
  @IsString() @Matches(/^\d{1,19}$/, { message: 'offset must be a whole number' }) offset: string;
}

export class ListDeadLettersQuery {
  @IsOptional() @IsString() @MaxLength(200) topic?: string;
  @IsOptional() @IsString() @MaxLength(40) subject?: string;
  @IsOptional() @DecimalInteger() @IsInt() @Min(1) @Max(500) limit?: number;
}
