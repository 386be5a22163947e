import { NestedObject } from '../nested';
import { IsArray, IsBase64, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** An event contract: the payload class carries its CloudEvents type (with version) and its topic. */
export interface EventContract<T extends object = object> {
  new (...args: any[]): T; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly type: string;
  readonly topic: string;
}

export const PRESCRIPTION_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{16}[0-9]{2}$/;

/** AES-256-GCM ciphertext that only the dispensing service holds the key for. */
export class EncryptedBlock {
  @IsString() @IsNotEmpty() kid: string;
  @IsBase64() iv: string;
  @IsBase64() ciphertext: string;
  @IsBase64() tag: string;
}

/** What the BDPM says of a line's medicine, carried so dispensing and fraud need not look it up. */
export class LineRegulation {
  @IsBoolean() narcotic: boolean;
  @IsBoolean() listI: boolean;
  @IsBoolean() listII: boolean;
  /** Secure prescription required (narcotics, `toutes lettres` medicines, some others). */
  @IsBoolean() securePrescription: boolean;
  /** Quantities must be written in words. */
  @IsBoolean() quantitiesInWords: boolean;
  /** `délivrance fractionnée de N jours`, when the BDPM sets it. */
  @IsOptional() @IsInt() @Min(1) fractionedDispensingDays?: number;
  /** Active substances (BDPM names), for watch-lists. */
  @IsArray() @IsString({ each: true }) substances: string[];
}

export class PrescribedLine {
  @IsInt() @Min(1) lineNo: number;
  @IsOptional() @Matches(/^\d{8}$/) cis?: string;
  @IsOptional() @Matches(/^\d{13}$/) cip13?: string;
  @IsString() @IsNotEmpty() label: string;
  @IsString() dosage: string;
  @IsInt() @Min(1) quantity: number;
  @IsString() @IsNotEmpty() unit: string;
  @IsInt() @Min(1) @Max(366) durationDays: number;
  @IsInt() @Min(0) @Max(12) renewals: number;
  /** False when the prescriber wrote "non substituable": no generic may be handed. */
  @IsOptional() @IsBoolean() substitutable?: boolean;
  /** Narcotics: the prescriber's split dispensing, in days per dispensing. */
  @IsOptional() @IsInt() @Min(1) @Max(28) fractionDays?: number;
  @NestedObject(() => LineRegulation, { optional: true }) regulation?: LineRegulation;
}

export class DispensedLine {
  @IsInt() @Min(1) lineNo: number;
  @IsInt() @Min(0) quantity: number;
  /** The pack actually handed. */
  @IsOptional() @Matches(/^\d{13}$/) cip13?: string;
  /** A generic handed in place of the prescribed medicine. */
  @IsOptional() @IsBoolean() generic?: boolean;
  /** Why nothing (or less) was given on this line, when that is the case. */
  @IsOptional() @IsString() notDispensedReason?: string;
}

export const PRESCRIPTION_STATUSES = ['ISSUED', 'CLAIMED', 'PARTIALLY_DISPENSED', 'DISPENSED', 'CANCELLED', 'ON_HOLD', 'EXPIRED'] as const;
export type PrescriptionStatus = (typeof PRESCRIPTION_STATUSES)[number];

export class FiredRule {
  @IsString() @IsNotEmpty() code: string;
  @IsString() reason: string;
  @IsInt() weight: number;
}
