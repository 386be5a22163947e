import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export interface WatchedLine {
  lineNo: number;
  label: string;
  cis?: string;
  cip13?: string;
  quantity: number;
  durationDays: number;
  renewals: number;
  narcotic: boolean;
  watched: string[];
  dispensed: number;
}

export type WatchedStatus = 'issued' | 'partially-dispensed' | 'dispensed' | 'cancelled' | 'expired';

/** What fraud remembers of each prescription: who wrote it, for whom (pseudonym), what, and its state. */
@Entity('watched_prescription')
export class WatchedPrescription {
  @PrimaryColumn({ type: 'char', length: 18 }) id: string;
  @Index() @Column({ type: 'char', length: 11 }) prescriberRpps: string;
  @Index() @Column({ type: 'text' }) patientPseudonym: string;
  @Column({ type: 'timestamptz' }) issuedAt: Date;
  @Column({ type: 'integer', default: 0 }) dispensings: number;
  @Column({ type: 'integer', default: 0 }) refusals: number;
  @Column({ type: 'text', default: 'issued' }) status: WatchedStatus;
  @Column({ type: 'boolean', default: false }) secure: boolean;
  @Column({ type: 'timestamptz', nullable: true }) validUntil: Date | null;
  @Column({ type: 'jsonb', default: [] }) lines: WatchedLine[];
  @Column({ type: 'boolean', default: false }) narcotic: boolean;
  /** The end of the longest narcotic line's treatment: overlapping narcotic prescriptions are read against it. */
  @Column({ type: 'timestamptz', nullable: true }) narcoticUntil: Date | null;
  /** Watch-list molecules found on the lines, comma-separated. */
  @Column({ type: 'text', default: '' }) watchList: string;
  @Column({ type: 'timestamptz', nullable: true }) firstPresentedAt: Date | null;

  get watched(): boolean {
    return this.narcotic || this.watchList !== '';
  }
}
