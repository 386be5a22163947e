import { PrescribedLine, PrescriptionStatus } from '@ordo/contracts';
import type { PrescriptionId } from '@ordo/rx-id';
import { PatientIdentity } from '@ordo/contracts';
import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

@Entity('prescription')
@Index(['prescriberRpps', 'issuedAt'])
export class Prescription {
  /** Canonical 18-character ID (16 Crockford base32 + 2 check digits). */
  @PrimaryColumn({ type: 'char', length: 18 }) id: PrescriptionId;
  @Column({ type: 'char', length: 11 }) prescriberRpps: string;
  @Index() @Column({ type: 'text' }) patientPseudonym: string;
  /** The system of record keeps the patient's identity; events carry it only encrypted. */
  @Column({ type: 'jsonb' }) patient: PatientIdentity;
  @Column({ type: 'jsonb' }) lines: PrescribedLine[];
  @Column({ type: 'boolean' }) secure: boolean;
  @Column({ type: 'text' }) status: PrescriptionStatus;
  @Column({ type: 'timestamptz' }) issuedAt: Date;
  @Column({ type: 'timestamptz' }) validUntil: Date;
  @VersionColumn() version: number;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
