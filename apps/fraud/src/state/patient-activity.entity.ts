import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One step of a patient's path: a prescription written for them, or a pharmacy they presented one at. */
@Entity('patient_activity')
export class PatientActivity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ type: 'text' }) patientPseudonym: string;
  @Column({ type: 'char', length: 18 }) prescriptionId: string;
  @Column({ type: 'text' }) kind: 'prescribed' | 'presented';
  @Column({ type: 'char', length: 11, nullable: true }) prescriberRpps: string | null;
  @Column({ type: 'text', nullable: true }) pharmacyFiness: string | null;
  /** The prescription holds a narcotic or a watch-list molecule. */
  @Column({ type: 'boolean' }) watched: boolean;
  @Column({ type: 'timestamptz' }) at: Date;
}
