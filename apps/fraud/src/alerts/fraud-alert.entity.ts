import { FiredRule } from '@ordo/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('fraud_alert')
@Index(['status', 'raisedAt'])
export class FraudAlert {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Index() @Column({ type: 'char', length: 18 }) prescriptionId: string;
  @Column({ type: 'integer' }) score: number;
  @Column({ type: 'text' }) level: 'review' | 'hold';
  @Column({ type: 'jsonb' }) rules: FiredRule[];
  /** Ids of the events that fired the rules. */
  @Column({ type: 'jsonb' }) evidence: string[];
  @Column({ type: 'text' }) status: 'open' | 'closed';
  @Column({ type: 'timestamptz' }) raisedAt: Date;
}
