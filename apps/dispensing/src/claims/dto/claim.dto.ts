import { NestedArray } from '@ordo/contracts';
import { IsCip13 } from '@ordo/identifiers';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class ClaimSecretDto {
  @IsString() @MinLength(16) @MaxLength(100) secret: string;
}

export class DispenseLineDto {
  @IsInt() @Min(1) @Max(50) lineNo: number;
  @IsInt() @Min(0) @Max(10000) quantity: number;
  /** The pack actually handed. */
  @IsOptional() @IsCip13() cip13?: string;
  /** A generic handed in place of the prescribed medicine. */
  @IsOptional() @IsBoolean() generic?: boolean;
  /** Why nothing (or less) is given on this line: out of stock, refused by the patient… */
  @IsOptional() @IsString() @MaxLength(300) notDispensedReason?: string;
}

export class DispenseDto extends ClaimSecretDto {
  /** Omitted: as much as may be given today on every line. */
  @NestedArray(() => DispenseLineDto, { optional: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  lines?: DispenseLineDto[];
}
