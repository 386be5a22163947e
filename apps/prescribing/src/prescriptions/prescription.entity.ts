import { PrescribedLine, PrescriptionStatus } from '@ordo/contracts';
import type { PrescriptionId } from '@ordo/rx-id';
import { PatientIdentity } from '@ordo/contracts';
import { Column, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export interface PrescriberBlock {
  name: string;
  specialty?: string;
  address: { lines: string[]; postalCode: string; city: string };
  phone?: string;
}

@Entity('prescription')
@Index(['prescriberRpps', 'issuedAt'])
export class Prescription {
  /** Canonical 18-character ID (16 Crockford base32 + 2 check digits). */
  @PrimaryColumn({ type: 'char', length: 18 }) id: PrescriptionId;
  @Column({ type: 'char', length: 11 }) prescriberRpps: string;
  /** Name, specialty and practice address as printed on the ordonnance. */
  @Column({ type: 'jsonb' }) prescriber: PrescriberBlock;
  @Index() @Column({ type: 'text' }) patientPseudonym: string;
  /** The system of record keeps the patient's identity; events carry it only encrypted. */
  @Column({ type: 'jsonb' }) patient: PatientIdentity;
  @Column({ type: 'jsonb' }) lines: PrescribedLine[];
  @Column({ type: 'boolean' }) secure: boolean;
  @Column({ type: 'text' }) status: PrescriptionStatus;
  @Column({ type: 'timestamptz' }) issuedAt: Date;
  @Column({ type: 'timestamptz' }) validUntil: Date;
  @Column({ type: 'timestamptz', nullable: true }) cancelledAt: Date | null;
  @Column({ type: 'text', nullable: true }) cancelReason: string | null;
  @VersionColumn() version: number;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
