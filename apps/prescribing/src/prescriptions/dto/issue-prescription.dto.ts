import { NestedArray, NestedObject } from '@ordo/contracts';
import { IsCip13, IsCis, IsNir } from '@ordo/identifiers';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsPastCalendarDate } from './is-past-calendar-date.decorator';

export class AddressDto {
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(120, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  lines: string[];
  @Matches(/^(?:\d{5}|2[AB]\d{3})$/, { message: 'postalCode must be a French postal code of 5 characters' })
  postalCode: string;
  @IsString() @IsNotEmpty() @MaxLength(80) city: string;
}

/** The prescriber's identity comes from the token (RPPS); what is printed comes from here. */
export class PrescriberDto {
  @IsString() @IsNotEmpty() @MaxLength(120) name: string;
  @IsOptional() @IsString() @MaxLength(120) specialty?: string;
  @NestedObject(() => AddressDto) address: AddressDto;
  @IsOptional() @Matches(/^\+?[0-9 .]{6,20}$/, { message: 'phone must be a telephone number' }) phone?: string;
}

export class PatientDto {
  @IsNir() ins: string;
  @IsString() @IsNotEmpty() @MaxLength(100) firstName: string;
  @IsString() @IsNotEmpty() @MaxLength(100) lastName: string;
  @IsPastCalendarDate() birthDate: string;
  @IsIn(['F', 'M', 'U']) sex: 'F' | 'M' | 'U';
}

export class PrescriptionLineDto {
  /** A pack (CIP13) or a medicine (CIS); at least one. */
  @ValidateIf((line: PrescriptionLineDto) => line.cis === undefined || line.cip13 !== undefined) @IsCip13() cip13?: string;
  @IsOptional() @IsCis() cis?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(300) label?: string;
  @IsString() @IsNotEmpty() @MaxLength(1000) dosage: string;
  @IsInt() @Min(1) @Max(10000) quantity: number;
  @IsString() @IsNotEmpty() @MaxLength(50) unit: string;
  @IsInt() @Min(1) @Max(366) durationDays: number;
  @IsInt() @Min(0) @Max(12) renewals: number;
  @IsOptional() @IsBoolean() substitutable?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(28) fractionDays?: number;
}

export class IssuePrescriptionDto {
  @NestedObject(() => PrescriberDto) prescriber: PrescriberDto;
  @NestedObject(() => PatientDto) patient: PatientDto;
  @NestedArray(() => PrescriptionLineDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  lines: PrescriptionLineDto[];
  /** Written on a secure prescription form (ordonnance sécurisée). */
  @IsOptional() @IsBoolean() secure?: boolean;
}
