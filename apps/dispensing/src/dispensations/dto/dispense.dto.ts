import { IsCip13 } from '@ordo/identifiers';
import { IsPrescriptionId } from '@ordo/rx-id';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';

export class DispenseLineDto {
  @IsInt() @Min(1) @Max(50) lineNo: number;
  @IsInt() @Min(0) @Max(10000) quantity: number;
  /** The pack actually handed, when it differs from the one prescribed (generic substitution). */
  @IsOptional() @IsCip13() cip13?: string;
}

export class DispenseDto {
  /** Canonical or typed form; check digits are verified. */
  @IsPrescriptionId() prescriptionId: string;
  /** Omitted: everything left on every line. */
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => DispenseLineDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  lines?: DispenseLineDto[];
}
