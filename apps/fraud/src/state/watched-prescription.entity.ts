import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What fraud remembers of each prescription: who wrote it, for whom (pseudonym), and its state. */
@Entity('watched_prescription')
export class WatchedPrescription {
  @PrimaryColumn({ type: 'char', length: 18 }) id: string;
  @Index() @Column({ type: 'char', length: 11 }) prescriberRpps: string;
  @Index() @Column({ type: 'text' }) patientPseudonym: string;
  @Column({ type: 'timestamptz' }) issuedAt: Date;
  @Column({ type: 'integer', default: 0 }) dispensings: number;
  @Column({ type: 'integer', default: 0 }) refusals: number;
}
