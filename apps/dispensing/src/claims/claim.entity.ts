import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ClaimStatus = 'open' | 'dispensed' | 'released' | 'expired' | 'voided';

/** One pharmacy's hold on a prescription while it dispenses; only the secret's holder may act on it. */
@Entity('claim')
export class Claim {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'char', length: 18 }) prescriptionId: string;
  @Column({ type: 'char', length: 9 }) pharmacyFiness: string;
  @Column({ type: 'char', length: 11 }) pharmacistRpps: string;
  /** SHA-256 of the secret: the secret itself is given once, to the pharmacy, and never stored. */
  @Column({ type: 'text' }) secretHash: string;
  @Column({ type: 'text' }) status: ClaimStatus;
  @Column({ type: 'text' }) verdictDecision: string;
  @Column({ type: 'text' }) verdictSource: string;
  @Column({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) endedAt: Date | null;
}
