import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What an analyst needs to see of an event that fired a rule, without going back to Kafka. */
export interface EventEvidence {
  eventId: string;
  type: string;
  time: string;
  source: string;
  subject: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free JSON, as the event carried it
  data: Record<string, any>;
  /** The signals this event fired that have something behind them to show: the providers, the overlapping supplies, … */
  signals?: { code: string; reason: string; weight: number; details: unknown }[];
}

/** One rule fired by one event on one prescription. Scores are sums over these. */
@Entity('rule_hit')
export class RuleHit {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'char', length: 18 }) prescriptionId: string;
  @Column({ type: 'text', nullable: true }) patientPseudonym: string | null;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) scope: 'prescription' | 'patient';
  @Column({ type: 'integer' }) weight: number;
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'uuid' }) eventId: string;
  @Column({ type: 'jsonb' }) evidence: EventEvidence;
  /** Closed as a false positive: no longer counts toward any score. */
  @Column({ type: 'boolean', default: false }) dismissed: boolean;
  @Column({ type: 'timestamptz' }) at: Date;
}
