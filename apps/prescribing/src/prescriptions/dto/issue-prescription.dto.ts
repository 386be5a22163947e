import { IsCip13, IsCis, IsNir } from '@ordo/identifiers';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export class PatientDto {
  @IsNir() ins: string;
  @IsString() @IsNotEmpty() @MaxLength(100) firstName: string;
  @IsString() @IsNotEmpty() @MaxLength(100) lastName: string;
  @IsDateString({ strict: true }) birthDate: string;
  @IsIn(['F', 'M', 'U']) sex: 'F' | 'M' | 'U';
}

export class PrescriptionLineDto {
  @ValidateIf((line: PrescriptionLineDto) => line.cis === undefined) @IsCip13() cip13?: string;
  @IsOptional() @IsCis() cis?: string;
  @IsString() @IsNotEmpty() @MaxLength(300) label: string;
  @IsString() @IsNotEmpty() @MaxLength(1000) dosage: string;
  @IsInt() @Min(1) @Max(10000) quantity: number;
  @IsString() @IsNotEmpty() @MaxLength(50) unit: string;
  @IsInt() @Min(1) @Max(366) durationDays: number;
  @IsInt() @Min(0) @Max(12) renewals: number;
}

export class IssuePrescriptionDto {
  @ValidateNested() @Type(() => PatientDto) patient: PatientDto;
  @ValidateNested({ each: true })
  @Type(() => PrescriptionLineDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  lines: PrescriptionLineDto[];
  @IsOptional() @IsBoolean() secure?: boolean;
}
