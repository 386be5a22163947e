import { FiredRule } from '@ordo/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EventEvidence } from './rule-hit.entity';

export type CaseResolution = 'confirmed-fraud' | 'false-positive';

/** A case for analysts: one open alert per prescription, growing as more rules fire on it. */
@Entity('fraud_alert')
@Index(['status', 'raisedAt'])
export class FraudAlert {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Index() @Column({ type: 'char', length: 18 }) prescriptionId: string;
  @Column({ type: 'text', nullable: true }) patientPseudonym: string | null;
  @Column({ type: 'integer' }) score: number;
  @Column({ type: 'text' }) level: 'review' | 'hold';
  @Column({ type: 'jsonb' }) rules: FiredRule[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) ruleCodes: string[];
  /** The events that fired the rules, with enough of each to judge without Kafka. */
  @Column({ type: 'jsonb' }) evidence: EventEvidence[];
  @Column({ type: 'text' }) status: 'open' | 'closed';
  @Column({ type: 'timestamptz' }) raisedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) updatedAt: Date | null;
  @Column({ type: 'text', nullable: true }) resolution: CaseResolution | null;
  @Column({ type: 'text', nullable: true }) resolutionReason: string | null;
  @Column({ type: 'text', nullable: true }) closedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
}
