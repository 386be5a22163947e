import { NestedArray, NestedObject } from '../nested';
import { ArrayMinSize, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { Topics } from '../topics';
import { EncryptedBlock, PRESCRIPTION_ID_PATTERN, PRESCRIPTION_STATUSES, PrescribedLine, PrescriptionStatus } from './common';

export class PrescriptionIssued {
  static readonly type = 'fr.ordo.prescription.issued.v1';
  static readonly topic = Topics.prescriptions;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @Matches(/^\d{11}$/) prescriberRpps: string;
  /** Keyed HMAC of the INS: lets fraud and ops link a patient's prescriptions without knowing who it is. */
  @IsString() patientPseudonym: string;
  /** The patient's identity, readable by dispensing only. */
  @NestedObject(() => EncryptedBlock) patient: EncryptedBlock;
  @IsBoolean() secure: boolean;
  @IsISO8601() issuedAt: string;
  @IsISO8601() validUntil: string;
  @NestedArray(() => PrescribedLine) @ArrayMinSize(1) lines: PrescribedLine[];
}

export class PrescriptionCancelled {
  static readonly type = 'fr.ordo.prescription.cancelled.v1';
  static readonly topic = Topics.prescriptions;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @Matches(/^\d{11}$/) prescriberRpps: string;
  @IsString() reason: string;
}

export class PrescriptionExpired {
  static readonly type = 'fr.ordo.prescription.expired.v1';
  static readonly topic = Topics.prescriptions;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsISO8601() validUntil: string;
}

/** Prescribing's own status after what dispensing reported. */
export class PrescriptionStatusChanged {
  static readonly type = 'fr.ordo.prescription.status-changed.v1';
  static readonly topic = Topics.prescriptions;

  @Matches(PRESCRIPTION_ID_PATTERN) prescriptionId: string;
  @IsIn(PRESCRIPTION_STATUSES) from: PrescriptionStatus;
  @IsIn(PRESCRIPTION_STATUSES) to: PrescriptionStatus;
  @IsOptional() @IsString() cause?: string;
}
