import { EncryptedBlock, PrescribedLine, PrescriptionStatus } from '@ordo/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LineProgress } from '../dispensations/dispensing-rules';

/** Dispensing's read model of a prescription, built from prescribing's events. */
@Entity('dispensable_prescription')
export class DispensablePrescription {
  @PrimaryColumn({ type: 'char', length: 18 }) id: string;
  @Column({ type: 'char', length: 11 }) prescriberRpps: string;
  @Column({ type: 'text' }) patientPseudonym: string;
  /** Kept sealed at rest too; opened only to show the pharmacist. */
  @Column({ type: 'jsonb' }) patient: EncryptedBlock;
  @Column({ type: 'jsonb' }) lines: PrescribedLine[];
  /** By line number: given over all rounds, forfeited, last supply. */
  @Column({ type: 'jsonb' }) progress: Record<string, LineProgress>;
  @Column({ type: 'boolean' }) secure: boolean;
  @Column({ type: 'text' }) status: PrescriptionStatus;
  /** Set while fraud holds the prescription; claims are refused (423). */
  @Column({ type: 'uuid', nullable: true }) holdId: string | null;
  @Column({ type: 'timestamptz' }) issuedAt: Date;
  @Column({ type: 'timestamptz' }) validUntil: Date;
}
