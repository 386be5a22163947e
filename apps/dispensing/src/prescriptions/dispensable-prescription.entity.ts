import { EncryptedBlock, PrescribedLine, PrescriptionStatus } from '@ordo/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Dispensing's read model of a prescription, built from prescribing's events. */
@Entity('dispensable_prescription')
export class DispensablePrescription {
  @PrimaryColumn({ type: 'char', length: 18 }) id: string;
  @Column({ type: 'char', length: 11 }) prescriberRpps: string;
  @Column({ type: 'text' }) patientPseudonym: string;
  /** Kept sealed at rest too; opened only to show the pharmacist. */
  @Column({ type: 'jsonb' }) patient: EncryptedBlock;
  @Column({ type: 'jsonb' }) lines: PrescribedLine[];
  /** Quantity given so far, by line number. */
  @Column({ type: 'jsonb' }) given: Record<string, number>;
  @Column({ type: 'boolean' }) secure: boolean;
  @Column({ type: 'text' }) status: PrescriptionStatus;
  @Column({ type: 'timestamptz' }) issuedAt: Date;
  @Column({ type: 'timestamptz' }) validUntil: Date;
}
